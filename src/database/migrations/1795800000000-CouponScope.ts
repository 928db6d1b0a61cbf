import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Coupons say what they cover (`applies_to`): the whole cart, or their products only. Coupons
 * with no products covered the whole cart until now, so they become `cart`; the others `products`.
 */
export class CouponScope1795800000000 implements MigrationInterface {
    name = 'CouponScope1795800000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "coupon" ADD "applies_to" character varying(16) NOT NULL DEFAULT 'products'`);
        await queryRunner.query(`UPDATE "coupon" c SET "applies_to" = 'cart' WHERE NOT EXISTS (SELECT 1 FROM "coupon_product" cp WHERE cp."coupon_id" = c."id")`);
        await queryRunner.query(`ALTER TABLE "coupon" ADD CONSTRAINT "coupon_applies_to_scope" CHECK ("applies_to" IN ('cart', 'products'))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "coupon" DROP CONSTRAINT "coupon_applies_to_scope"`);
        await queryRunner.query(`ALTER TABLE "coupon" DROP COLUMN "applies_to"`);
    }

}
