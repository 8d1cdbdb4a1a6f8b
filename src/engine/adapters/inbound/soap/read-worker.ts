// An XML reader thread (see readers.ts): reads each request it is sent and answers with the plain result.
import { parentPort } from 'node:worker_threads';
import { readHipRequest, type HipReadOptions } from './read.js';
import type { ReaderReply } from './readers.js';

interface ReaderJob {
  id: number;
  body: Uint8Array;
  contentType: string | undefined;
  options: HipReadOptions;
}

parentPort?.on('message', (job: ReaderJob) => {
  let reply: ReaderReply;
  try {
    reply = { id: job.id, read: readHipRequest(job.body, job.contentType, job.options) };
  } catch (error) {
    reply = { id: job.id, failed: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
