/**
 * What the browser receives for a response schema's type: JSON sends a Date as its ISO string.
 * The web app types an answer as `Wire<z.infer<typeof schema>>`.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;
