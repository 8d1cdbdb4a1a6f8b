// An XML reader thread (see readers.ts): does each job it is sent and answers with the plain result.
import { parentPort } from 'node:worker_threads';
import { runReaderTask, type ReaderReply, type ReaderTask } from './readers.js';

parentPort?.on('message', (job: { id: number; task: ReaderTask }) => {
  let reply: ReaderReply;
  try {
    reply = { id: job.id, result: runReaderTask(job.task) };
  } catch (error) {
    reply = { id: job.id, failed: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
