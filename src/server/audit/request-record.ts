import type { FastifyRequest } from "fastify";
import { AccessRecord } from "../../app/audit/access-record.ts";

const records = new WeakMap<FastifyRequest, AccessRecord>();

/** What the request resolved, one record per request, named by the route the router matched. */
export function accessRecordOf(request: FastifyRequest): AccessRecord {
  let record = records.get(request);
  if (!record) {
    record = new AccessRecord(
      `${request.method} ${request.routeOptions.url ?? request.url.split("?")[0]}`,
    );
    records.set(request, record);
  }
  return record;
}
