// Where the process is in its life: starting → ready → draining → stopped. Readiness and responses read it.

export type LifecyclePhase = 'starting' | 'ready' | 'draining' | 'stopped'

export interface Lifecycle {
  readonly phase: LifecyclePhase
  /** True from the first shutdown signal on: readiness fails and responses carry Connection: close. */
  readonly isDraining: boolean
  markReady(): void
  startDraining(): void
  markStopped(): void
}

export function createLifecycle(): Lifecycle {
  let phase: LifecyclePhase = 'starting'
  return {
    get phase() {
      return phase
    },
    get isDraining() {
      return phase === 'draining' || phase === 'stopped'
    },
    markReady() {
      if (phase === 'starting') phase = 'ready'
    },
    startDraining() {
      if (phase !== 'stopped') phase = 'draining'
    },
    markStopped() {
      phase = 'stopped'
    },
  }
}
