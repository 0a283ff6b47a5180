/** A letterhead logo's kind and size in pixels, read from its header; null when it is neither PNG nor JPEG. */
export interface LogoImage {
  type: "png" | "jpeg";
  width: number;
  height: number;
}

export function logoImage(bytes: Uint8Array): LogoImage | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 24 && png.every((b, i) => bytes[i] === b)) {
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    return width > 0 && height > 0 ? { type: "png", width, height } : null;
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  // JPEG: walk the segments to the frame header (SOF0..SOF15 but not DHT, JPG or DAC), which holds the size.
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] as number;
    const length = view.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      const height = view.getUint16(at + 5);
      const width = view.getUint16(at + 7);
      return width > 0 && height > 0 ? { type: "jpeg", width, height } : null;
    }
    at += 2 + length;
  }
  return null;
}

/** The logo's size on the page, fitted in a square of `box` points keeping its proportions. */
export function fitLogo(image: LogoImage, box: number): { width: number; height: number } {
  const scale = box / Math.max(image.width, image.height);
  return { width: image.width * scale, height: image.height * scale };
}
