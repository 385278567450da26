/** "Test connection" for WhatsApp against the fake Graph API: names the number, never shows the token. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loopbackOutbound } from "../../../test/support/outbound.ts";
import { startWhatsAppFake, type WhatsAppFake } from "../../../test/support/whatsapp.ts";
import { Outbound } from "../../net/outbound.ts";
import { testChannel } from "./test-connection.ts";

describe("testChannel (whatsapp)", () => {
  let wa: WhatsAppFake;
  beforeAll(async () => {
    wa = await startWhatsAppFake();
    wa.addNumber({ phoneNumberId: "123456789", token: "EAAG-good", appSecret: "s", webhookUrl: "http://127.0.0.1:1/", displayPhone: "+1 555 0199" });
  });
  afterAll(() => wa.stop());

  test("the stored token reads the number's record; a wrong token or number says which", async () => {
    const settings = { graph_url: wa.url, phone_number_id: "123456789" };
    expect(await testChannel(loopbackOutbound(), "whatsapp", settings, { access_token: "EAAG-good" })).toEqual({ ok: true, detail: "connected as Fake Business (+1 555 0199)" });
    const bad = await testChannel(loopbackOutbound(), "whatsapp", settings, { access_token: "EAAG-wrong" });
    expect(bad).toEqual({ ok: false, error: "WhatsApp answered HTTP 401 (check the access token)" });
    expect(await testChannel(loopbackOutbound(), "whatsapp", { ...settings, phone_number_id: "999" }, { access_token: "EAAG-good" })).toMatchObject({ ok: false, error: expect.stringContaining("phone number ID") });
  });

  test("a graph_url on a private host is refused by the SSRF guard unless allowed", async () => {
    const r = await testChannel(new Outbound(), "whatsapp", { graph_url: wa.url, phone_number_id: "123456789" }, { access_token: "EAAG-good" });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining("not allowed") });
  });
});
