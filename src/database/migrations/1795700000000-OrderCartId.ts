import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Orders know the cart they came from: Idempotency-Keys are unique per cart (not one global
 * namespace), and orders whose cart was not cleared yet are found by cart.
 */
export class OrderCartId1795700000000 implements MigrationInterface {
    name = 'OrderCartId1795700000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "orders" ADD "cart_id" character varying(140)`);
        await queryRunner.query(`UPDATE "orders" SET "cart_id" = "sid"`);
        await queryRunner.query(`ALTER TABLE "orders" ALTER COLUMN "cart_id" SET NOT NULL`);
        await queryRunner.query(`DROP INDEX "orders_idempotency_key_unique"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "orders_cart_idempotency_key_unique" ON "orders" ("cart_id", "idempotency_key") `);
        await queryRunner.query(`CREATE INDEX "orders_uncleared_cart" ON "orders" ("cart_id") WHERE "cart_cleared" = false`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "orders_uncleared_cart"`);
        await queryRunner.query(`DROP INDEX "orders_cart_idempotency_key_unique"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "orders_idempotency_key_unique" ON "orders" ("idempotency_key") `);
        await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "cart_id"`);
    }

}
