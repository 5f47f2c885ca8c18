// The web app under test: a list of items kept in postgres, with a form to add one.
//   GET /          the items, as an HTML table, and the form
//   POST /items    adds one (id, name), then back to /
//   GET /health    {"database": …}: which database the app talks to
import { createServer } from 'node:http';
import pg from 'pg';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An http.Server over the database at `databaseUrl`; close() also ends its connections. */
export function createApp(databaseUrl) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'GET' && req.url === '/health') {
        const { rows } = await pool.query('SELECT current_database() AS database');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]));
      } else if (req.method === 'POST' && req.url === '/items') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const form = new URLSearchParams(body);
        await pool.query('INSERT INTO items VALUES ($1, $2)', [Number(form.get('id')), form.get('name')]);
        res.writeHead(303, { location: '/' }).end();
      } else if (req.method === 'GET' && req.url === '/') {
        const { rows } = await pool.query('SELECT id, name FROM items ORDER BY id');
        const items = rows.map((r) => `<tr><td>${r.id}</td><td>${escapeHtml(r.name)}</td></tr>`).join('');
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<!doctype html><title>items</title><table id="items">${items}</table>` +
              `<form method="post" action="/items"><input name="id" aria-label="id"><input name="name" aria-label="name"><button>Add</button></form>`,
          );
      } else res.writeHead(404).end();
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error.message));
    }
  });
  const close = server.close.bind(server);
  server.close = (done) => close(() => pool.end().then(() => done?.(), done));
  return server;
}
