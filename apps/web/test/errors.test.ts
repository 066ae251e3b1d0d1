import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiError, toErrorResponse, withErrors } from "../src/lib/errors";
import { errorEnvelopeSchema } from "../src/lib/schemas/error";

async function envelope(response: Response) {
  return errorEnvelopeSchema.parse(await response.json());
}

describe("error envelope", () => {
  it("turns a zod failure into 422 VALIDATION_FAILED with one detail per issue, paths dotted", async () => {
    const schema = z.object({
      steps: z.number().int().positive(),
      config: z.object({ layers: z.array(z.number()) }),
    });
    const parsed = schema.safeParse({ steps: -1, config: { layers: [1, "x"] } });
    expect(parsed.success).toBe(false);
    const response = toErrorResponse(parsed.error);
    expect(response.status).toBe(422);
    const body = await envelope(response);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["config.layers.1", "steps"]);
    expect(body.error.details.every((d) => d.issue.length > 0)).toBe(true);
  });

  it("keeps the status, code, message and details of an ApiError", async () => {
    const response = toErrorResponse(
      new ApiError("NOT_FOUND", "run r1 does not exist", [{ path: "id", issue: "unknown" }]),
    );
    expect(response.status).toBe(404);
    expect(await envelope(response)).toEqual({
      error: {
        code: "NOT_FOUND",
        message: "run r1 does not exist",
        details: [{ path: "id", issue: "unknown" }],
      },
    });
  });

  it("answers 500 INTERNAL without leaking the message of an unexpected error", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const handler = withErrors(async () => {
      throw new Error("password=hunter2 in a stack trace");
    });
    const response = await handler(new Request("http://x/api/v1/thing"), {});
    spy.mockRestore();
    expect(response.status).toBe(500);
    const body = await envelope(response);
    expect(body.error.code).toBe("INTERNAL");
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });
});
