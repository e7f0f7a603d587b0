// Heap usage of this process's worker threads, where the Temporal SDK runs the workflow sandbox:
// process.memoryUsage() sees only the main thread's heap, and global.gc() collects only it. The
// inspector's NodeWorker domain reaches each thread: a full GC there, then its heap usage.
import { Session } from 'node:inspector';

interface Attached {
  sessionId: string;
}

export interface ThreadHeaps {
  threads: number;
  usedBytes: number;
  totalBytes: number;
}

export class WorkerThreadHeaps {
  private readonly session = new Session();
  private readonly attached = new Map<string, Attached>();
  private readonly replies = new Map<number, (msg: { result?: unknown; error?: { message: string } }) => void>();
  private nextId = 0;

  /** Attaches to the threads running now and to those started later. */
  async start(): Promise<void> {
    this.session.connect();
    this.session.on('NodeWorker.attachedToWorker', (m) => {
      const { sessionId, workerInfo } = m.params as { sessionId: string; workerInfo: { url: string } };
      // Node's own threads (the ESM loader-hooks thread tsx runs in) are not the workflow sandbox.
      if (!workerInfo.url.startsWith('node:internal')) this.attached.set(sessionId, { sessionId });
    });
    this.session.on('NodeWorker.detachedFromWorker', (m) => this.attached.delete((m.params as { sessionId: string }).sessionId));
    this.session.on('NodeWorker.receivedMessageFromWorker', (m) => {
      const msg = JSON.parse((m.params as { message: string }).message) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      this.replies.get(msg.id)?.(msg);
      this.replies.delete(msg.id);
    });
    await new Promise<void>((resolve, reject) =>
      this.session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, (err) => (err ? reject(err) : resolve())),
    );
  }

  private call<T>(sessionId: string, method: string): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.replies.set(id, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result as T)));
      this.session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
    });
  }

  /** Full GC in every worker thread, then their heap usage added up. */
  async collectAndMeasure(): Promise<ThreadHeaps> {
    const out: ThreadHeaps = { threads: 0, usedBytes: 0, totalBytes: 0 };
    for (const { sessionId } of this.attached.values()) {
      await this.call(sessionId, 'HeapProfiler.collectGarbage');
      const usage = await this.call<{ usedSize: number; totalSize: number }>(sessionId, 'Runtime.getHeapUsage');
      out.threads += 1;
      out.usedBytes += usage.usedSize;
      out.totalBytes += usage.totalSize;
    }
    return out;
  }
}
