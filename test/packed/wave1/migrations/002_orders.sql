-- One line per order keeps the example small; the constraints are what the API relies on.
CREATE TABLE orders (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The client's own reference: sending the same order twice must not place it twice.
  reference   text NOT NULL CONSTRAINT orders_reference_key UNIQUE,
  customer    text NOT NULL CONSTRAINT orders_customer_check CHECK (customer <> ''),
  sku         text NOT NULL CONSTRAINT orders_sku_fkey REFERENCES products (sku),
  quantity    integer NOT NULL CONSTRAINT orders_quantity_check CHECK (quantity > 0),
  total_cents integer NOT NULL,
  status      text NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'shipped', 'cancelled')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_by_customer ON orders (customer, id DESC);
