import { describe, expect, it } from "vitest";
import { boundaryPieces } from "../../../packages/service/src/runs/boundaries";

const enc = (s: string) => new TextEncoder().encode(s);

describe("boundaryPieces (the run page's chunk view)", () => {
  it("cuts the text where chunks start, with each piece's depth", () => {
    const bytes = enc("the cat sat");
    const depth = new Uint8Array(bytes.length);
    depth[0] = 1;
    depth[4] = 2; // "cat": an outer and an inner chunk start
    depth[8] = 1;
    expect(boundaryPieces(bytes, depth)).toEqual([
      { text: "the ", depth: 1 },
      { text: "cat ", depth: 2 },
      { text: "sat", depth: 1 },
    ]);
  });

  it("text before the first boundary has depth 0; multi-byte characters stay whole", () => {
    const bytes = enc("ab€cd");
    const depth = new Uint8Array(bytes.length);
    depth[3] = 1; // inside "€" (bytes 2-4): the chunk starts at the character
    expect(boundaryPieces(bytes, depth)).toEqual([
      { text: "ab", depth: 0 },
      { text: "€cd", depth: 1 },
    ]);
    expect(boundaryPieces(new Uint8Array(0), new Uint8Array(0))).toEqual([]);
  });
});
