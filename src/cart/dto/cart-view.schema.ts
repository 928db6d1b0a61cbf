import { applyDecorators } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';

const money = { type: 'number' } as const;

/**
 * CartViewDto as a JSON schema, for Fastify's serializer (fast-json-stringify) only: a view of 100
 * lines is about 12 kB of JSON, and a serializer compiled for its shape writes it faster than
 * JSON.stringify. It must name every field the view has (a field missing here would be dropped
 * from the answer); notices keep their own shapes (they are rare). The OpenAPI document describes
 * the view from the DTO classes as before; the conformance test checks real answers against it.
 */
export const CART_VIEW_JSON_SCHEMA = {
  type: 'object',
  required: ['sid', 'items', 'removed', 'coupon', 'notices', 'subtotal', 'discount', 'total', 'itemCount'],
  properties: {
    sid: { type: 'string' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pid', 'name', 'price', 'incart', 'instock', 'status', 'lineTotal', 'lineDiscount'],
        properties: {
          pid: { type: 'integer' },
          name: { type: 'string' },
          price: money,
          incart: { type: 'integer' },
          instock: { type: 'integer' },
          status: { type: 'string' },
          lineTotal: money,
          lineDiscount: money,
        },
      },
    },
    removed: {
      type: 'array',
      items: { type: 'object', required: ['pid', 'reason'], properties: { pid: { type: 'integer' }, reason: { type: 'string' } } },
    },
    coupon: {
      anyOf: [{ type: 'null' }, { type: 'object', required: ['code', 'name'], properties: { code: { type: 'string' }, name: { type: 'string' } } }],
    },
    notices: { type: 'array', items: { type: 'object', additionalProperties: true } },
    subtotal: money,
    discount: money,
    total: money,
    itemCount: { type: 'integer' },
  },
} as const;

/** A route that answers a cart view (200): its body is written by the serializer compiled for CART_VIEW_JSON_SCHEMA. */
export const AnswersCartView = () => applyDecorators(RouteSchema({ response: { 200: CART_VIEW_JSON_SCHEMA } }));
