-- The catalogue: what can be ordered, at what price, and how many are left.
CREATE TABLE products (
  sku         text PRIMARY KEY CHECK (sku ~ '^[A-Z0-9-]+$'),
  name        text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  stock       integer NOT NULL CONSTRAINT products_stock_check CHECK (stock >= 0)
);

INSERT INTO products (sku, name, price_cents, stock) VALUES
  ('MUG-1',    'Enamel mug',        1200, 10),
  ('ROPE-20',  'Mooring rope, 20 m', 4500, 3),
  ('LAMP-OIL', 'Oil lamp',          3900, 0);
