import request from 'supertest';
import { AppProcess, startAppProcess } from './helpers/app-process';
import { ADMIN_KEY, deleteKeys, dropSchema, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './helpers/test-app';

jest.setTimeout(180_000);

/** Two app processes on two ports, one database, one Redis: checkout still never oversells. */
describe('Checkout across two app instances', () => {
  const schema = uniqueName('instances');
  const prefix = `${schema}:`;
  const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, ADMIN_API_KEY: ADMIN_KEY };
  let instances: AppProcess[] = [];

  beforeAll(async () => {
    instances = await Promise.all([startAppProcess(env), startAppProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await dropSchema(schema);
    await deleteKeys(prefix);
  });

  it('100 carts of one unit against stock 20, checked out half on each instance: exactly 20 orders', async () => {
    const [a, b] = instances;
    const product = (await request(a.url).post('/api/products').set('X-API-Key', ADMIN_KEY).send({ name: 'Scarce', price: 3, quantity: 20 }).expect(201)).body;
    const sids = Array.from({ length: 100 }, (_, i) => `inst-${i}`);
    // carts are filled through either instance: they share Redis
    await Promise.all(sids.map((sid, i) => request((i % 2 ? a : b).url).post('/api/updatecart').send({ sid, pid: product.id }).expect(200)));
    const results = await Promise.all(sids.map((sid, i) => request((i % 2 ? b : a).url).post(`/api/carts/${sid}/checkout`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(20);
    expect(results.filter((r) => r.status === 409)).toHaveLength(80);
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.sid)).size).toBe(20);
    expect((await request(b.url).get(`/api/products/${product.id}`).expect(200)).body.quantity).toBe(0);
    const orders = (await request(a.url).get('/api/orders?limit=100').set('X-API-Key', ADMIN_KEY).expect(200)).body;
    expect(orders.total).toBe(20);
  });
});
