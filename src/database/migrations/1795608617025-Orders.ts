import { MigrationInterface, QueryRunner } from "typeorm";

export class Orders1795608617025 implements MigrationInterface {
    name = 'Orders1795608617025'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "orders" ("id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'placed', "sid" character varying(128) NOT NULL, "subtotal_cents" bigint NOT NULL, "discount_cents" bigint NOT NULL, "total_cents" bigint NOT NULL, "coupon_code" character varying(64), "coupon_name" character varying(200), "idempotency_key" character varying(128), "cart_fingerprint" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "orders_totals" CHECK ("subtotal_cents" >= 0 AND "discount_cents" >= 0 AND "total_cents" = "subtotal_cents" - "discount_cents"), CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "orders_idempotency_key_unique" ON "orders"  ("idempotency_key") `);
        await queryRunner.query(`CREATE TABLE "order_line" ("id" SERIAL NOT NULL, "order_id" uuid NOT NULL, "product_id" integer NOT NULL, "name" character varying(200) NOT NULL, "price_cents" integer NOT NULL, "quantity" integer NOT NULL, "line_total_cents" bigint NOT NULL, "line_discount_cents" bigint NOT NULL, CONSTRAINT "order_line_quantity_positive" CHECK ("quantity" > 0), CONSTRAINT "PK_01a7c973d9f30479647e44f9892" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "order_line_order_id" ON "order_line"  ("order_id") `);
        await queryRunner.query(`ALTER TABLE "order_line" ADD CONSTRAINT "FK_ed8fae6d7239e9d730219215af7" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "order_line" DROP CONSTRAINT "FK_ed8fae6d7239e9d730219215af7"`);
        await queryRunner.query(`DROP INDEX "order_line_order_id"`);
        await queryRunner.query(`DROP TABLE "order_line"`);
        await queryRunner.query(`DROP INDEX "orders_idempotency_key_unique"`);
        await queryRunner.query(`DROP TABLE "orders"`);
    }

}
