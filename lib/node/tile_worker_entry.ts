/** Entry of a Node tile worker thread: hands every message to the core's tile request handler. */
import { parentPort } from 'node:worker_threads';
import { serveTileRequests, type TileRequest } from '../pipeline/tile_worker.js';

const port = parentPort;
if (port !== null) {
  const handle = serveTileRequests((reply, transfer) => port.postMessage(reply, transfer));
  port.on('message', (req: TileRequest) => handle(req));
}
