import { type FormEvent, useEffect, useState } from "react";
import type {
  EmailLetterResponse,
  OutboxMessageView,
  OutboxSummaryResponse,
  SmsSettingsBody,
  SmsSettingsResponse,
} from "../../../src/server/messages/messages.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

const STATUS_LABEL: Record<string, string> = {
  not_sent: "Not sent: no provider",
  failed: "Failed",
};

/**
 * For the office: messages that did not reach a family (no provider, refused, or reported
 * undelivered), so a failed contact is never hidden behind "sent".
 */
export function UndeliveredMessages({ schoolId }: { schoolId: number }) {
  const summary = useApi<OutboxSummaryResponse>(`/api/schools/${schoolId}/outbox/summary`);
  const notSent = useApi<{ messages: OutboxMessageView[] }>(
    `/api/schools/${schoolId}/outbox?status=not_sent`,
  );
  const failed = useApi<{ messages: OutboxMessageView[] }>(
    `/api/schools/${schoolId}/outbox?status=failed`,
  );
  const { can } = useSession();
  const [sendError, setSendError] = useState<Error | null>(null);
  const [sentAgain, setSentAgain] = useState<number | null>(null);
  const s = summary.data;
  const rows = [...(notSent.data?.messages ?? []), ...(failed.data?.messages ?? [])];
  const canSendAgain = (m: OutboxMessageView) =>
    m.status === "not_sent" || (m.status === "failed" && m.failure === "provider");
  async function sendAgain(ids: number[]) {
    setSendError(null);
    setSentAgain(null);
    try {
      const answer = await api.post<{ queued: number }>(
        `/api/schools/${schoolId}/outbox/send-again`,
        { messageIds: ids },
      );
      setSentAgain(answer.queued);
      summary.reload();
      notSent.reload();
      failed.reload();
    } catch (e) {
      setSendError(e as Error);
    }
  }
  const waiting = rows.filter(canSendAgain).map((m) => m.id);
  return (
    <>
      <h2>Messages not delivered</h2>
      <ErrorNotice error={summary.error ?? notSent.error ?? failed.error} />
      {!s ? (
        !summary.error && <Loading what="messages" />
      ) : s.notSent + s.failed + s.undelivered === 0 ? (
        <p>
          Every message has gone to its provider{s.waiting ? `; ${s.waiting} waiting to go` : ""}.
        </p>
      ) : (
        <>
          <Notice tone="warning">
            {s.notSent > 0
              ? `${s.notSent} message${s.notSent === 1 ? "" : "s"} not sent because no provider is set up. `
              : ""}
            {s.failed > 0 ? `${s.failed} failed. ` : ""}
            {s.undelivered > 0 ? `${s.undelivered} reported undelivered by the provider.` : ""}
          </Notice>
          <ErrorNotice error={sendError} />
          {sentAgain !== null ? (
            <Notice tone="success">
              {sentAgain} message{sentAgain === 1 ? "" : "s"} queued to go again.
            </Notice>
          ) : null}
          {can("follow_up.record") && waiting.length > 0 ? (
            <p>
              Once a provider is set up (or put right), messages that never reached it can go now.{" "}
              <button
                type="button"
                className="secondary"
                onClick={() => void sendAgain(waiting.slice(0, 500))}
              >
                Send {waiting.length} again
              </button>
            </p>
          ) : null}
          <Table
            caption="Messages that did not reach a family"
            rowKey={(m) => m.id}
            rows={rows}
            firstRows={10}
            columns={[
              {
                key: "channel",
                label: "By",
                value: (m) => (m.channel === "sms" ? "Text" : "Email"),
              },
              { key: "to", label: "To", value: (m) => m.to_address },
              { key: "purpose", label: "About", value: (m) => m.purpose.replace(/_/g, " ") },
              { key: "status", label: "Status", value: (m) => STATUS_LABEL[m.status] ?? m.status },
              { key: "why", label: "Why", value: (m) => m.last_error ?? "" },
              {
                key: "when",
                label: "Queued",
                value: (m) => m.created_at.slice(0, 16).replace("T", " "),
              },
            ]}
          />
        </>
      )}
    </>
  );
}

type Provider = SmsSettingsBody["provider"];
const PROVIDERS: { value: Provider; label: string }[] = [
  { value: "log", label: "None: texts are recorded as not sent" },
  { value: "notify", label: "GOV.UK Notify" },
  { value: "twilio", label: "Twilio" },
  { value: "webhook", label: "Another provider through a webhook" },
];

/** The head chooses the school's SMS provider; secrets are typed in, never shown back. */
export function MessagingSettings() {
  const { schoolId, can } = useSession();
  const path = schoolId ? `/api/schools/${schoolId}/messaging/sms` : null;
  const settings = useApi<SmsSettingsResponse>(can("school.setup") ? path : null);
  const [provider, setProvider] = useState<Provider>("log");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const current = settings.data;
  useEffect(() => {
    if (!current) return;
    setProvider(current.provider);
    setFields({
      templateId: current.notify.templateId ?? "",
      accountSid: current.twilio.accountSid ?? "",
      from: current.twilio.from ?? "",
    });
  }, [current]);
  if (!can("school.setup")) return <p>Only the head or an administrator sets up messaging.</p>;
  const field = (name: string) => fields[name] ?? "";
  const set = (name: string) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));
  const given = (name: string) => (field(name).trim() ? field(name).trim() : undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!path) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    const body: SmsSettingsBody = { provider };
    if (provider === "notify")
      body.notify = {
        apiKey: given("apiKey"),
        templateId: given("templateId"),
        callbackToken: given("callbackToken"),
      };
    if (provider === "twilio")
      body.twilio = {
        accountSid: given("accountSid"),
        authToken: given("authToken"),
        from: given("from"),
      };
    try {
      await api.put(path, body);
      setFields((f) => ({ ...f, apiKey: "", callbackToken: "", authToken: "" }));
      setSaved(true);
      settings.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  }

  const secretHint = (masked: string | null | undefined) =>
    masked ? `Set (ends ${masked.replace("…", "")}); leave empty to keep it` : "Not set";
  return (
    <section>
      <h1>Text messages</h1>
      <ErrorNotice error={settings.error} />
      {!current ? (
        !settings.error && <Loading what="messaging settings" />
      ) : (
        <form onSubmit={submit} aria-label="SMS provider" className="login" style={{ margin: 0 }}>
          <ErrorNotice error={error} />
          {saved ? (
            <Notice tone="success">Saved. New texts go through this provider.</Notice>
          ) : null}
          <fieldset>
            <legend>Send texts through</legend>
            {PROVIDERS.map((p) => (
              <label key={p.value} className="choice">
                <input
                  type="radio"
                  name="provider"
                  value={p.value}
                  checked={provider === p.value}
                  onChange={() => setProvider(p.value)}
                />
                {p.label}
              </label>
            ))}
          </fieldset>
          {provider === "notify" ? (
            <>
              <label>
                API key (a live key from GOV.UK Notify's API integration page)
                <input
                  type="password"
                  autoComplete="off"
                  value={field("apiKey")}
                  onChange={set("apiKey")}
                  placeholder={secretHint(current.notify.apiKey)}
                />
              </label>
              <label>
                Text message template id (a template whose whole text is ((message)))
                <input value={field("templateId")} onChange={set("templateId")} />
              </label>
              <label>
                Callback bearer token (the one you give Notify for delivery receipts and replies)
                <input
                  type="password"
                  autoComplete="off"
                  value={field("callbackToken")}
                  onChange={set("callbackToken")}
                  placeholder={secretHint(current.notify.callbackToken)}
                />
              </label>
              <p>
                Delivery receipts callback:{" "}
                <code className="address">{current.callbacks.notifyReceipts}</code>
                <br />
                Received text messages callback:{" "}
                <code className="address">{current.callbacks.notifyReplies}</code>
              </p>
            </>
          ) : null}
          {provider === "twilio" ? (
            <>
              <label>
                Account SID
                <input value={field("accountSid")} onChange={set("accountSid")} />
              </label>
              <label>
                Auth token
                <input
                  type="password"
                  autoComplete="off"
                  value={field("authToken")}
                  onChange={set("authToken")}
                  placeholder={secretHint(current.twilio.authToken)}
                />
              </label>
              <label>
                Send from (a number in +44 form, or a sender name of up to 11 letters)
                <input value={field("from")} onChange={set("from")} />
              </label>
              <p>
                Give your Twilio number this address for incoming messages:{" "}
                <code className="address">{current.callbacks.twilioReplies}</code>. Delivery
                receipts come back by themselves.
              </p>
            </>
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save"}
          </button>
        </form>
      )}
    </section>
  );
}

/** Emails a letter issued to the pupil's contact, the PDF attached; says where it went or why not. */
export function EmailLetterButton({
  schoolId,
  letterRecordId,
}: {
  schoolId: number;
  letterRecordId: number;
}) {
  const [state, setState] = useState<{ busy: boolean; said: string | null; error: Error | null }>({
    busy: false,
    said: null,
    error: null,
  });
  async function send() {
    setState({ busy: true, said: null, error: null });
    try {
      const answer = await api.post<EmailLetterResponse>(
        `/api/schools/${schoolId}/letters/${letterRecordId}/email`,
        {},
      );
      setState({
        busy: false,
        error: null,
        said: answer.queued ? `Emailed to ${answer.to}` : `Already emailed to ${answer.to}`,
      });
    } catch (e) {
      setState({ busy: false, said: null, error: e as Error });
    }
  }
  return (
    <>
      <button
        type="button"
        className="secondary small"
        disabled={state.busy}
        onClick={() => void send()}
      >
        Email
      </button>
      {state.said ? <span role="status"> {state.said}</span> : null}
      {state.error ? <span role="alert"> {state.error.message}</span> : null}
    </>
  );
}
