/**
 * The SSRF guard as tests need it: every emulator (aimock, Slack, Telegram, MCP) listens on
 * loopback, which the guard refuses unless the platform allow-list names it. Tests that talk to an
 * emulator configure exactly that allow-list — the same key an operator sets for an on-prem Ollama —
 * and the guard's own tests prove that without it the same URL is refused.
 */
import { Outbound, type OutboundOptions } from "../../src/net/outbound.ts";

/** `security.allow_private_hosts` for test configs: loopback only. */
export const LOOPBACK_ALLOWED = ["127.0.0.0/8", "::1/128", "localhost"];

export const securityConfig = { allow_private_hosts: LOOPBACK_ALLOWED };

/** An Outbound that may reach loopback (emulators); pass a resolver to make up host names. */
export const loopbackOutbound = (opts: OutboundOptions = {}) => new Outbound({ allowPrivate: LOOPBACK_ALLOWED, ...opts });
