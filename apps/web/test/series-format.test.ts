import { describe, expect, it } from "vitest";
import {
  formatBpb,
  formatBytes,
  formatConfigValue,
  formatDuration,
  formatFlops,
  formatInt,
  formatSI,
  formatSci,
  formatTick,
  xFormatter,
} from "../src/lib/series/format";

describe("number formatting", () => {
  it("SI prefixes with three significant digits, trailing zeros dropped", () => {
    expect(formatSI(0)).toBe("0");
    expect(formatSI(12)).toBe("12");
    expect(formatSI(999)).toBe("999");
    expect(formatSI(1000)).toBe("1k");
    expect(formatSI(1234)).toBe("1.23k");
    expect(formatSI(3.4e6)).toBe("3.4M");
    expect(formatSI(999_999)).toBe("1M");
    expect(formatSI(2.5e9)).toBe("2.5G");
    expect(formatSI(-1500)).toBe("-1.5k");
    expect(formatSI(null)).toBe("–");
  });

  it("FLOPs in scientific notation (1.2e15), small counts plain", () => {
    expect(formatFlops(1.2e15)).toBe("1.2e15");
    expect(formatFlops(1e15)).toBe("1e15");
    expect(formatFlops(3.45e9)).toBe("3.5e9");
    expect(formatFlops(950)).toBe("950");
    expect(formatSci(3e-4)).toBe("3e-4");
    expect(formatFlops(undefined)).toBe("–");
  });

  it("bytes in decimal units, bpb with four decimals, integers with separators", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1500)).toBe("1.5 kB");
    expect(formatBytes(12_345_678)).toBe("12.3 MB");
    expect(formatBytes(3.1e9)).toBe("3.1 GB");
    expect(formatBpb(1.234567)).toBe("1.2346");
    expect(formatBpb(null)).toBe("–");
    expect(formatInt(30001)).toBe("30,001");
    expect(formatInt(1234567.4)).toBe("1,234,567");
  });

  it("durations", () => {
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(185)).toBe("3m 05s");
    expect(formatDuration(3720)).toBe("1h 02m");
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe("2d 3h");
    expect(formatDuration(null)).toBe("–");
  });

  it("axis ticks and x formatters", () => {
    expect(formatTick(1.5)).toBe("1.5");
    expect(formatTick(2500)).toBe("2.5k");
    expect(formatTick(2e16)).toBe("2e16");
    expect(formatTick(0.0001)).toBe("1e-4");
    expect(xFormatter("flops")(3e14)).toBe("3e14");
    expect(xFormatter("bytes")(2_000_000)).toBe("2 MB");
    expect(xFormatter("step")(12000)).toBe("12k");
    expect(xFormatter("wall")(90)).toBe("1m 30s");
  });

  it("config values", () => {
    expect(formatConfigValue(0.003)).toBe("0.003");
    expect(formatConfigValue(3e-5)).toBe("3e-5");
    expect(formatConfigValue(128)).toBe("128");
    expect(formatConfigValue(1_000_000)).toBe("1M");
    expect(formatConfigValue("hnet")).toBe("hnet");
    expect(formatConfigValue([2, 2])).toBe("[2,2]");
    expect(formatConfigValue(null)).toBe("–");
  });
});
