-- Run by the postgres image on its first start (docker-entrypoint-initdb.d).
CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL, stock integer NOT NULL);
INSERT INTO products VALUES ('MUG-1', 'Mug', 10), ('ROPE-20', 'Rope, 20 m', 3);
