export { Scheduler } from './scheduler.js';
export { realClock } from './real-clock.js';
export { stableOffset, slotTime, firstSlotAtOrAfter } from './offset.js';
export type {
  Clock,
  LatenessSummary,
  ProbeSlot,
  ProbeVerdict,
  ScheduledServer,
  SchedulerDeps,
  SchedulerOptions,
  SchedulerStats,
  ServerSchedule,
  SlotKind,
  TimerHandle,
} from './types.js';
