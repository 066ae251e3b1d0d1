import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeatWorker, listWorkers, markWorkerStopped, registerWorker, WorkerNotFoundError } from "../src";
import { createTestDatabase, type TestDatabase } from "../src/testing";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("db_workers");
});
afterAll(async () => db?.drop());

const devices = [{ backend: "tensorflow", name: "cpu (2 cores)", kind: "cpu" as const }];

describe("worker registry", () => {
  it("registers, heartbeats, lists and stops workers", async () => {
    const w = await registerWorker(db.prisma, {
      id: "a",
      host: "box",
      pid: 10,
      devices,
      slots: 2,
      version: "0.1.0",
    });
    expect(w.status).toBe("ONLINE");
    await registerWorker(db.prisma, { id: "b", host: "box", pid: 11, devices, slots: 1, version: "0.1.0" });

    // Age worker b's heartbeat by a minute; a fresh heartbeat must bring it back.
    await db.prisma
      .$executeRaw`UPDATE workers SET last_heartbeat_at = now() - interval '60 seconds' WHERE id = 'b'`;
    const alive = await listWorkers(db.prisma, { aliveWithinMs: 30_000 });
    expect(alive.map((x) => x.id)).toEqual(["a"]);
    expect(alive[0]!.devices).toEqual(devices);
    expect(alive[0]!.alive).toBe(true);

    const everyone = await listWorkers(db.prisma, { aliveWithinMs: 30_000, includeDead: true });
    const b = everyone.find((x) => x.id === "b")!;
    expect(b.alive).toBe(false);
    expect(b.heartbeatAgeMs).toBeGreaterThanOrEqual(59_000);

    await heartbeatWorker(db.prisma, "b");
    expect((await listWorkers(db.prisma, { aliveWithinMs: 30_000 })).map((x) => x.id).sort()).toEqual([
      "a",
      "b",
    ]);

    await markWorkerStopped(db.prisma, "a");
    expect((await listWorkers(db.prisma, { aliveWithinMs: 30_000 })).map((x) => x.id)).toEqual(["b"]);
    const stopped = await db.prisma.worker.findUniqueOrThrow({ where: { id: "a" } });
    expect(stopped.status).toBe("STOPPED");
    expect(stopped.stoppedAt).toBeInstanceOf(Date);

    // A restart re-registers under the same id: ONLINE again, new pid.
    const back = await registerWorker(db.prisma, {
      id: "a",
      host: "box",
      pid: 99,
      devices,
      slots: 2,
      version: "0.1.1",
    });
    expect([back.status, back.pid, back.version, back.stoppedAt]).toEqual(["ONLINE", 99, "0.1.1", null]);
  });

  it("tells an unknown worker to register and rejects invalid registrations by field", async () => {
    await expect(heartbeatWorker(db.prisma, "ghost")).rejects.toBeInstanceOf(WorkerNotFoundError);
    await expect(
      registerWorker(db.prisma, { id: "c", host: "box", pid: 1, devices, slots: 0, version: "x" }),
    ).rejects.toThrow(/slots/);
  });
});
