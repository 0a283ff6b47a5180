import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMis } from "../../../src/app/mis/connection.ts";
import { runMisSync } from "../../../src/app/mis/sync.ts";
import { photoFromWonde, WondeProvider } from "../../../src/app/mis/wonde/provider.ts";
import { uploadPupilPhoto } from "../../../src/app/pupils/pupil-photos.ts";
import { operatorContext } from "../../../src/cli/context.ts";
import type { Database } from "../../../src/db/database.ts";
import { saveAcademicYear } from "../../../src/db/repositories/calendar.ts";
import { createSchool } from "../../../src/db/repositories/schools.ts";
import { makeUpn } from "../../../src/domain/pupil.ts";
import { year2025 } from "../../support/builders.ts";
import { testDatabase } from "../../support/database.ts";
import { type FakeWonde, fakeWonde } from "../../support/fake-wonde.ts";

/**
 * Pupils' photos from the MIS (`include=photo`), against the local Wonde: stored when the image
 * changes, JPEG or PNG up to 2 MB, anything else left out with its reason in the run's log.
 */
let database: Database;
let wonde: FakeWonde;
let schoolId: number;
let now = new Date("2025-11-12T12:00:00Z");
const clock = () => now;
const upn = (n: number) => makeUpn("383", "4999", 24, 700 + n);
const providers = () =>
  new WondeProvider(wonde.school, {
    baseUrl: wonde.base,
    token: wonde.token,
    sleep: async () => {},
  });
const sync = () => runMisSync(database.db, schoolId, { trigger: "test", clock, providers });

const jpeg = (fill: number, size = 64) => {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
};
const png = () => {
  const bytes = new Uint8Array(48).fill(7);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
};
const gif = () => new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0]);
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const student = (n: number, photo: unknown) => ({
  id: `B${n}`,
  upn: upn(n),
  forename: `Pupil${n}`,
  surname: "Shah",
  photo,
  updatedAt: "2025-11-01T09:00:00Z",
});
const stored = async () =>
  database.db
    .selectFrom("pupil_photos as f")
    .innerJoin("pupils as p", "p.id", "f.pupil_id")
    .select([
      "p.upn",
      "f.content_type",
      "f.image",
      "f.uploaded_by",
      "f.uploaded_at",
      "f.mis_sha256",
    ])
    .where("f.school_id", "=", schoolId)
    .orderBy("p.upn")
    .execute();

beforeAll(async () => {
  database = await testDatabase();
  wonde = await fakeWonde({ perPage: 3 });
  schoolId = (
    await createSchool(database.db, { name: "Photo School", phase: "secondary", urn: null })
  ).id;
  await saveAcademicYear(database.db, schoolId, year2025());
  const ctx = await operatorContext(database.db, schoolId);
  await connectMis(
    { ...ctx, clock },
    {
      provider: "wonde",
      providerSchoolId: wonde.school,
      baseUrl: wonde.base,
      tokenRef: "env:WONDE_TOKEN_TEST",
      syncMarks: false,
    },
  );
  wonde.students = [
    student(1, base64(jpeg(1))),
    // A data URI is read as its base64 content.
    student(2, `data:image/png;base64,${base64(png())}`),
    student(3, base64(gif())),
    student(4, base64(jpeg(2, 2 * 1024 * 1024 + 1))),
    student(5, "this is not an image!"),
    student(6, undefined),
  ];
});
afterAll(async () => {
  await wonde?.close();
  await database?.close();
});

describe("pupils' photos from Wonde", () => {
  it("asks for photos and stores each JPEG or PNG up to 2 MB, refusing the rest with the reason logged", async () => {
    const outcome = await sync();
    expect(outcome.state, outcome.errors.join("\n")).toBe("done");
    const asked = wonde.requests.find((r) => r.path.endsWith("/students"));
    expect(asked?.query.get("include")?.split(",")).toContain("photo");
    expect(outcome.counts).toMatchObject({ read: 6, added: 6, photos: 2 });
    const photos = await stored();
    expect(photos.map((p) => [p.upn, p.content_type, p.uploaded_by])).toEqual([
      [upn(1), "image/jpeg", "MIS sync"],
      [upn(2), "image/png", "MIS sync"],
    ]);
    expect(Buffer.from(photos[0]?.image ?? []).equals(Buffer.from(jpeg(1)))).toBe(true);
    expect(photos[0]?.mis_sha256).toMatch(/^[0-9a-f]{64}$/);
    const errors = outcome.errors.join("\n");
    expect(errors).toContain(
      "Pupil3 Shah (MIS id B3) was not stored: The photo must be a JPEG or PNG image",
    );
    expect(errors).toContain(
      "Pupil4 Shah (MIS id B4) was not stored: The photo must be at most 2 MB",
    );
    expect(errors).toContain(
      "Pupil5 Shah (MIS id B5) was not stored: Wonde's photo content is not base64",
    );
    expect(errors).not.toContain("MIS id B6");
    // The run's log in the database holds the same reasons.
    const run = await database.db
      .selectFrom("mis_sync_runs")
      .select(["errors", "counts"])
      .where("id", "=", outcome.runId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(run.errors)).toContain("MIS id B4");
    expect(run.counts.photos).toBe(2);
  });

  it("leaves a photo alone when the MIS's image is the same, and replaces it when it changes", async () => {
    const before = await stored();
    now = new Date("2025-11-13T12:00:00Z");
    // Pupil 1's record changed (a new form) but not the photo: nothing is written.
    Object.assign(wonde.students[0] ?? {}, { form: "8D", updatedAt: "2025-11-13T08:00:00Z" });
    const same = await sync();
    expect(same.counts).toMatchObject({ read: 1, changed: 1, photos: 0 });
    expect((await stored())[0]?.uploaded_at).toEqual(before[0]?.uploaded_at);

    now = new Date("2025-11-14T12:00:00Z");
    Object.assign(wonde.students[0] ?? {}, {
      photo: base64(jpeg(9)),
      updatedAt: "2025-11-14T08:00:00Z",
    });
    const changed = await sync();
    expect(changed.counts.photos).toBe(1);
    const after = await stored();
    expect(Buffer.from(after[0]?.image ?? []).equals(Buffer.from(jpeg(9)))).toBe(true);
    expect(after[0]?.mis_sha256).not.toBe(before[0]?.mis_sha256);
  });

  it("keeps a photo the office uploaded until the MIS's own photo of the pupil changes", async () => {
    const ctx = await operatorContext(database.db, schoolId);
    const pupil = await database.db
      .selectFrom("pupils")
      .select("id")
      .where("upn", "=", upn(2))
      .executeTakeFirstOrThrow();
    await uploadPupilPhoto(ctx, { pupilId: pupil.id, image: jpeg(5) });
    now = new Date("2025-11-15T12:00:00Z");
    Object.assign(wonde.students[1] ?? {}, { form: "8E", updatedAt: "2025-11-15T08:00:00Z" });
    const outcome = await sync();
    expect(outcome.counts.photos).toBe(0);
    const photo = (await stored()).find((p) => p.upn === upn(2));
    expect(photo?.content_type).toBe("image/jpeg");
    expect(photo?.uploaded_by).not.toBe("MIS sync");
    expect(Buffer.from(photo?.image ?? []).equals(Buffer.from(jpeg(5)))).toBe(true);
  });

  it("reads Wonde's photo field as base64 text, reporting anything else", () => {
    expect(photoFromWonde(undefined)).toBeNull();
    expect(photoFromWonde({ data: null })).toBeNull();
    expect(photoFromWonde({ data: { content: "" } })).toBeNull();
    expect(photoFromWonde({ data: { content: 42 } })).toEqual({
      problem: "Wonde's photo content is not text",
    });
    expect(photoFromWonde({ data: { content: "abc" } })).toEqual({
      problem: "Wonde's photo content is not base64",
    });
    const read = photoFromWonde({
      data: { content: `${base64(png()).slice(0, 20)}\n${base64(png()).slice(20)}` },
    });
    expect(read && "image" in read && Buffer.from(read.image).equals(Buffer.from(png()))).toBe(
      true,
    );
  });
});
