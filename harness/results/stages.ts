// Where a cell is, as a run reports it: the phases of an attempt and the boot stages of its console.
import type { BootStage } from "../console/patterns.ts";

/** The phases of one attempt at a cell, in order. */
export type PhaseName = "build" | "boot" | "drive" | "collect" | "teardown";

/** Where a running cell is: its lifecycle phase, or the boot stage its console reached. */
export type CellStage = PhaseName | BootStage;
