/**
 * A database of its own on the test server. The live model is a setting of the database, set
 * from LEADFLOW_MODEL_ID on its first start only: a test that names its own model needs a
 * database whose first start is its own.
 */
export function ownDatabase(mongoUri: string, name: string): string {
  const url = new URL(mongoUri);
  url.pathname = `/leadflow_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return url.toString();
}
