import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  canTransition,
  createPrismaClient,
  IllegalRunTransitionError,
  type PrismaClient,
  RUN_TRANSITIONS,
  RunNotFoundError,
  RunStatus,
  RunTransitionConflictError,
  transitionRun,
} from "../src";
import { createTestDatabase, type TestDatabase } from "../src/testing";
import { createRun } from "./fixtures";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("db_transitions");
});
afterAll(async () => db?.drop());

const ALL = Object.values(RunStatus);

describe("transitionRun", () => {
  it("walks QUEUED -> RUNNING -> QUEUED -> RUNNING -> COMPLETED with the right side effects and events", async () => {
    const run = await createRun(db.prisma);
    expect(run.status).toBe("QUEUED");

    const running = await transitionRun(db.prisma, run.id, "RUNNING");
    expect(running.status).toBe("RUNNING");
    expect(running.attempts).toBe(1);
    expect(running.startedAt).toBeInstanceOf(Date);

    const handedBack = await transitionRun(db.prisma, run.id, "QUEUED", { error: "worker lost" });
    expect(handedBack.status).toBe("QUEUED");
    expect(handedBack.queuedAt).toEqual(run.queuedAt);

    const again = await transitionRun(db.prisma, run.id, "RUNNING");
    expect(again.attempts).toBe(2);
    expect(again.error).toBeNull();

    const done = await transitionRun(db.prisma, run.id, "COMPLETED", { set: { flopsPerByte: 1.5e6 } });
    expect(done.status).toBe("COMPLETED");
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.flopsPerByte).toBe(1.5e6);

    const events = await db.prisma.runEvent.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    expect(
      events.map((e) => [e.kind, (e.data as { from: string }).from, (e.data as { to: string }).to]),
    ).toEqual([
      ["STATUS", "QUEUED", "RUNNING"],
      ["STATUS", "RUNNING", "QUEUED"],
      ["STATUS", "QUEUED", "RUNNING"],
      ["STATUS", "RUNNING", "COMPLETED"],
    ]);
  });

  it("records the worker and the error", async () => {
    await db.prisma.worker.create({
      data: { id: "w-1", host: "h", pid: 1, devices: [], slots: 1, version: "test" },
    });
    const run = await createRun(db.prisma);
    const running = await transitionRun(db.prisma, run.id, "RUNNING", { workerId: "w-1", from: "QUEUED" });
    expect(running.workerId).toBe("w-1");
    const failed = await transitionRun(db.prisma, run.id, "DIVERGED", { error: "loss is NaN at step 120" });
    expect(failed.error).toBe("loss is NaN at step 120");
    const last = await db.prisma.runEvent.findFirstOrThrow({
      where: { runId: run.id },
      orderBy: { id: "desc" },
    });
    expect(last.level).toBe("ERROR");
    expect(last.message).toContain("loss is NaN");
  });

  it("refuses every move the table does not allow, naming from and to, and leaves the row unchanged", async () => {
    for (const from of ALL) {
      for (const to of ALL) {
        if (canTransition(from, to)) continue;
        const run = await createRun(db.prisma, { status: from });
        const error = await transitionRun(db.prisma, run.id, to).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(IllegalRunTransitionError);
        expect((error as Error).message).toContain(`from ${from} to ${to}`);
        const after = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
        expect(after).toEqual(run);
        expect(await db.prisma.runEvent.count({ where: { runId: run.id } })).toBe(0);
      }
    }
  });

  it("allows exactly the documented moves", () => {
    expect(RUN_TRANSITIONS.QUEUED).toEqual(["RUNNING", "CANCELLED"]);
    expect([...RUN_TRANSITIONS.RUNNING].sort()).toEqual([
      "CANCELLED",
      "COMPLETED",
      "DIVERGED",
      "FAILED",
      "QUEUED",
    ]);
    for (const final of ["COMPLETED", "DIVERGED"] as const) expect(RUN_TRANSITIONS[final]).toEqual([]);
    // A user's re-run: back to the queue, nowhere else.
    for (const rerunnable of ["FAILED", "CANCELLED"] as const)
      expect(RUN_TRANSITIONS[rerunnable]).toEqual(["QUEUED"]);
  });

  it("lets exactly one of two racing transitions from RUNNING win", async () => {
    // Separate clients = separate connections, like two processes. Each states the status it saw (`from`),
    // as racing writers do (the worker's COMPLETED, a cancel): whether the loser reads the row before the
    // winner commits (its conditional update then matches nothing) or after (it finds COMPLETED or
    // CANCELLED), it gets RunTransitionConflictError. Without `from`, a loser that reads after the commit
    // is told about the status it found: IllegalRunTransitionError (COMPLETED -> CANCELLED is not a move).
    const a = createPrismaClient(db.url);
    const b = createPrismaClient(db.url);
    try {
      for (let i = 0; i < 5; i++) {
        const run = await createRun(db.prisma, { status: "RUNNING" });
        const results = await Promise.allSettled([
          transitionRun(a, run.id, "COMPLETED", { from: "RUNNING" }),
          transitionRun(b, run.id, "CANCELLED", { from: "RUNNING" }),
        ]);
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r) => r.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(RunTransitionConflictError);
        const winner = (won[0] as PromiseFulfilledResult<{ status: RunStatus }>).value.status;
        const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
        expect(row.status).toBe(winner);
        expect(await db.prisma.runEvent.count({ where: { runId: run.id } })).toBe(1);
      }
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
  });

  it("refuses the loser's write when both read RUNNING before the winner committed", async () => {
    // The interleaving a loaded machine makes rare, forced: B reads the row, A moves it, then B writes. B's
    // update is conditional on the status it read, so it matches nothing and B gets the conflict.
    const a = createPrismaClient(db.url);
    let aDone!: () => void;
    const committed = new Promise<void>((resolve) => {
      aDone = resolve;
    });
    let bRead!: () => void;
    const read = new Promise<void>((resolve) => {
      bRead = resolve;
    });
    const b = createPrismaClient(db.url).$extends({
      query: {
        run: {
          async findUnique({ args, query }) {
            const row = await query(args);
            bRead();
            await committed;
            return row;
          },
        },
      },
    }) as unknown as PrismaClient;
    try {
      const run = await createRun(db.prisma, { status: "RUNNING" });
      const loser = transitionRun(b, run.id, "CANCELLED").catch((e: unknown) => e);
      // A moves the run only once B has read it RUNNING (B's client may still be connecting before that).
      await read;
      await transitionRun(a, run.id, "COMPLETED");
      aDone();
      const error = await loser;
      expect(error).toBeInstanceOf(RunTransitionConflictError);
      expect(error).toMatchObject({ actual: "COMPLETED" });
      const row = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
      expect(row.status).toBe("COMPLETED");
      expect(await db.prisma.runEvent.count({ where: { runId: run.id } })).toBe(1);
    } finally {
      aDone();
      await Promise.all([a.$disconnect(), b.$disconnect()]);
    }
  });

  it("rejects a move from an unexpected state and an unknown run", async () => {
    const run = await createRun(db.prisma, { status: "RUNNING" });
    await expect(transitionRun(db.prisma, run.id, "CANCELLED", { from: "QUEUED" })).rejects.toBeInstanceOf(
      RunTransitionConflictError,
    );
    await expect(transitionRun(db.prisma, "no-such-run", "RUNNING")).rejects.toBeInstanceOf(RunNotFoundError);
  });
});
