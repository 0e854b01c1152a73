/**
 * The periodic rescan of the scheduler and the watch supervisor: runs now and then every interval,
 * never two scans at once (a tick that comes while a scan still runs is skipped), so one fabric is
 * never claimed twice by overlapping scans, and stop() waits for the scan in flight.
 */
export class RescanLoop {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly scan: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(everyMs: number): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private tick(): void {
    this.inFlight ??= this.scan()
      .catch(this.onError)
      .finally(() => (this.inFlight = undefined));
  }
}
