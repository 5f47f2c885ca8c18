/** What the API can refuse, each with the HTTP status it maps to. */
export class OrderError extends Error {
  constructor(
    readonly code: 'invalid' | 'not_found' | 'unknown_product' | 'duplicate_reference' | 'out_of_stock' | 'wrong_status',
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'OrderError';
  }
}

interface PgError {
  code?: string;
  constraint?: string;
}

/**
 * Turns a constraint the database enforced into an OrderError; anything else is returned as is.
 * The schema is the single source of truth for these rules: the code does not check them twice.
 */
export function fromConstraint(error: unknown): unknown {
  const { code, constraint } = (error ?? {}) as PgError;
  if (code === '23505' && constraint === 'orders_reference_key') {
    return new OrderError('duplicate_reference', 409, 'an order with this reference was already placed');
  }
  if (code === '23503' && constraint === 'orders_sku_fkey') {
    return new OrderError('unknown_product', 422, 'no product has this sku');
  }
  if (code === '23514' && constraint === 'products_stock_check') {
    return new OrderError('out_of_stock', 409, 'not enough stock for this quantity');
  }
  if (code === '23514' && constraint === 'orders_quantity_check') {
    return new OrderError('invalid', 422, 'quantity must be at least 1');
  }
  if (code === '23514' && constraint === 'orders_customer_check') {
    return new OrderError('invalid', 422, 'customer must not be empty');
  }
  return error;
}
