/**
 * The HTTP API on node:http:
 *
 *   POST /orders               {reference, customer, sku, quantity} -> 201 order
 *   GET  /orders?customer=     -> 200 [order], newest first
 *   GET  /orders/:id           -> 200 order, with `x-cache: hit | miss`
 *   POST /orders/:id/ship      -> 200 order
 *   POST /orders/:id/cancel    -> 200 order (stock goes back)
 *   GET  /products/:sku        -> 200 product with its stock
 *   GET  /health               -> 200 when postgres and redis answer
 *
 * Errors are JSON `{ error, message }` with the status of the OrderError behind them.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { OrderError } from './errors.js';
import type { NewOrder } from './orders-repository.js';
import type { OrdersService } from './orders-service.js';

const MAX_BODY_BYTES = 64 * 1024;

export function createHandler(service: OrdersService, health: () => Promise<void>): RequestListener {
  return (request, response) => {
    route(service, health, request, response).catch((error: unknown) => {
      if (error instanceof OrderError) return send(response, error.status, { error: error.code, message: error.message });
      console.error('orders-api: unexpected error', error);
      send(response, 500, { error: 'internal', message: 'unexpected error' });
    });
  };
}

async function route(service: OrdersService, health: () => Promise<void>, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const parts = url.pathname.split('/').filter(Boolean);

  if (method === 'GET' && url.pathname === '/health') {
    await health();
    return send(response, 200, { ok: true });
  }
  if (parts[0] === 'orders' && parts.length === 1) {
    if (method === 'POST') {
      const order = await service.place(newOrder(await readJson(request)));
      return send(response, 201, order, { location: `/orders/${order.id}` });
    }
    if (method === 'GET') return send(response, 200, await service.list({ customer: url.searchParams.get('customer') ?? undefined }));
  }
  if (parts[0] === 'orders' && parts.length >= 2) {
    const id = Number(parts[1]);
    if (!Number.isSafeInteger(id) || id < 1) throw new OrderError('not_found', 404, `no order ${parts[1]}`);
    if (method === 'GET' && parts.length === 2) {
      const { order, cache } = await service.get(id);
      return send(response, 200, order, { 'x-cache': cache });
    }
    if (method === 'POST' && parts[2] === 'ship' && parts.length === 3) return send(response, 200, await service.ship(id));
    if (method === 'POST' && parts[2] === 'cancel' && parts.length === 3) return send(response, 200, await service.cancel(id));
  }
  if (method === 'GET' && parts[0] === 'products' && parts.length === 2) {
    return send(response, 200, await service.product(decodeURIComponent(parts[1] as string)));
  }
  send(response, 404, { error: 'not_found', message: `no route for ${method} ${url.pathname}` });
}

/** Checks the shape of a new order; the business rules themselves are the schema's constraints. */
function newOrder(body: unknown): NewOrder {
  const { reference, customer, sku, quantity } = (body ?? {}) as Record<string, unknown>;
  if (typeof reference !== 'string' || reference === '') throw badRequest('`reference` must be a non-empty string');
  if (typeof customer !== 'string') throw badRequest('`customer` must be a string');
  if (typeof sku !== 'string') throw badRequest('`sku` must be a string');
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity)) throw badRequest('`quantity` must be a whole number');
  return { reference, customer, sku, quantity };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new OrderError('invalid', 413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('the body is not valid JSON');
  }
}

function badRequest(message: string): OrderError {
  return new OrderError('invalid', 400, message);
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers });
  response.end(json);
}
