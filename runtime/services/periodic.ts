import type { Logger } from "pino";

/**
 * Runs `task` every `ms` until the returned stop function is called. A run that fails is logged
 * with `failure` and the next one still comes; the timer never keeps the process alive.
 */
export function every(ms: number, logger: Logger, failure: string, task: () => void | Promise<void>): () => void {
  const timer = setInterval(() => {
    Promise.resolve()
      .then(task)
      .catch((err: unknown) => logger.error({ err }, failure));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
