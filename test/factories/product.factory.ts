import request from 'supertest';
import { ADMIN_KEY, TestApp } from '../helpers/test-app';

export interface ProductFields {
  name: string;
  price: number;
  quantity: number;
}

let seq = 0;

/** A valid product body; override what the test is about. */
export function makeProduct(overrides: Partial<ProductFields> = {}): ProductFields {
  seq += 1;
  return { name: `Product ${seq}`, price: 10, quantity: 100, ...overrides };
}

export interface ProductJson extends ProductFields {
  id: number;
  createdAt: string;
  updatedAt: string;
}

/** Creates a product through the admin API and returns its JSON. */
export async function createProduct(t: TestApp, overrides: Partial<ProductFields> = {}): Promise<ProductJson> {
  const res = await request(t.http).post('/api/products').set('X-API-Key', ADMIN_KEY).send(makeProduct(overrides)).expect(201);
  return res.body as ProductJson;
}

/** Sets a product's stock through the admin API. */
export async function setStock(t: TestApp, id: number, quantity: number): Promise<void> {
  await request(t.http).patch(`/api/products/${id}`).set('X-API-Key', ADMIN_KEY).send({ quantity }).expect(200);
}
