// The image a test runs for a name of test/images/catalog.json. Normally the name itself; the
// environment variable BERTH_TEST_IMAGES can point names elsewhere, e.g.
//   BERTH_TEST_IMAGES='mariadb:11=cand/mariadb:11.8,mysql:8=cand/mysql:8'
// so the same tests check a candidate build under a private tag (without replacing the official
// name on a shared engine) or the real official image pulled under another name. The module
// chooses MARIADB_* or MYSQL_* by the image's repository name, so a mapping keeps that name's last
// path part (`…/mariadb`, `…/mysql`).

function parse(raw: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of (raw ?? '').split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (at <= 0 || to === '') {
      throw new TypeError(`BERTH_TEST_IMAGES: expected \`name=image\` pairs separated by commas, got "${pair}"`);
    }
    map.set(from, to);
  }
  return map;
}

const mapped = parse(process.env.BERTH_TEST_IMAGES);

/** `name` (a catalog image name), or the image BERTH_TEST_IMAGES maps it to. */
export function testImage(name: string): string {
  return mapped.get(name) ?? name;
}
