import { describe, expect, test } from "bun:test";
import { parseSlashCommand, recognise } from "./commands.ts";

describe("chat commands", () => {
  test("/cancel takes a task number or `all`; bare /cancel stops the turn in progress", () => {
    expect(parseSlashCommand("/cancel")).toEqual({ command: "cancel" });
    expect(parseSlashCommand("/cancel 12")).toEqual({ command: "cancel", args: "12" });
    expect(parseSlashCommand("/cancel #12")).toEqual({ command: "cancel", args: "12" });
    expect(parseSlashCommand(" /cancel ALL ")).toEqual({ command: "cancel", args: "all" });
    expect(parseSlashCommand("/tasks")).toEqual({ command: "tasks" });
  });

  test("/schedules lists; `pause|resume|delete N` changes one; anything else is not a command", () => {
    expect(parseSlashCommand("/schedules")).toEqual({ command: "schedules" });
    expect(parseSlashCommand("/schedules pause 3")).toEqual({ command: "schedules", args: "pause 3" });
    expect(parseSlashCommand("/schedules Resume #12")).toEqual({ command: "schedules", args: "resume #12" });
    expect(recognise("schedules", "delete 4")).toEqual({ command: "schedules", args: "delete 4" });
    expect(parseSlashCommand("/schedules drop table")).toBeUndefined();
    expect(recognise("schedules", "pause 99999999999")).toBeUndefined();
  });

  test("anything else after /cancel is not a command (it goes to the model), on every channel", () => {
    expect(parseSlashCommand("/cancel my subscription")).toBeUndefined();
    expect(recognise("cancel", "my subscription")).toBeUndefined();
    expect(recognise("cancel", "99999999999")).toBeUndefined();
  });

  test("strict channels (Slack's bare words) take text after an argument-less command as a message", () => {
    expect(recognise("status", "of my order?", true)).toBeUndefined();
    expect(recognise("status", "please")).toEqual({ command: "status" });
    expect(recognise("reboot", "")).toBeUndefined();
  });
});
