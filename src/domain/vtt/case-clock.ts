/**
 * @file Time on a case, excluding pauses. Times are `performance.now()` milliseconds supplied by the caller, so
 * the clock is pure and testable. A reload starts the case's clock again (the partial time is not recoverable).
 */

export interface CaseClock {
  readonly startedAt: number;
  /** When the current pause began; null while running. */
  readonly pausedAt: number | null;
  readonly pausedTotal: number;
  readonly pauses: number;
  /** Active ms at the first answer key; null until then. */
  readonly firstInputMs: number | null;
}

export function startClock(now: number): CaseClock {
  return { startedAt: now, pausedAt: null, pausedTotal: 0, pauses: 0, firstInputMs: null };
}

/** Active (unpaused) milliseconds so far. */
export function activeMs(clock: CaseClock, now: number): number {
  const pausedNow = clock.pausedAt === null ? 0 : now - clock.pausedAt;
  return Math.max(0, now - clock.startedAt - clock.pausedTotal - pausedNow);
}

export function pauseClock(clock: CaseClock, now: number): CaseClock {
  return clock.pausedAt === null ? { ...clock, pausedAt: now, pauses: clock.pauses + 1 } : clock;
}

export function resumeClock(clock: CaseClock, now: number): CaseClock {
  return clock.pausedAt === null ? clock : { ...clock, pausedAt: null, pausedTotal: clock.pausedTotal + (now - clock.pausedAt) };
}

export function markInput(clock: CaseClock, now: number): CaseClock {
  return clock.firstInputMs === null ? { ...clock, firstInputMs: activeMs(clock, now) } : clock;
}
