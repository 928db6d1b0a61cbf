import { MigrationInterface, QueryRunner } from "typeorm";

export class Coupons1795608189704 implements MigrationInterface {
    name = 'Coupons1795608189704'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "coupon" ("id" SERIAL NOT NULL, "code" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "multiplier_bp" integer NOT NULL DEFAULT '10000', "upto_cents" integer NOT NULL DEFAULT '0', "flatoff_cents" integer NOT NULL DEFAULT '0', "starts_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, "max_redemptions" integer, "redemptions" integer NOT NULL DEFAULT '0', "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coupon_redemptions_nonnegative" CHECK ("redemptions" >= 0), CONSTRAINT "coupon_upto_nonnegative" CHECK ("upto_cents" >= 0), CONSTRAINT "coupon_flatoff_nonnegative" CHECK ("flatoff_cents" >= 0), CONSTRAINT "coupon_multiplier_range" CHECK ("multiplier_bp" > 0 AND "multiplier_bp" <= 10000), CONSTRAINT "PK_fcbe9d72b60eed35f46dc35a682" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "coupon_code_lower_unique" ON "coupon" (lower("code"))`);
        await queryRunner.query(`CREATE TABLE "coupon_product" ("coupon_id" integer NOT NULL, "product_id" integer NOT NULL, CONSTRAINT "PK_a8c60ed74efd94aa0d09d2b6544" PRIMARY KEY ("coupon_id", "product_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_78d9d79ed86f8882b39634937c" ON "coupon_product"  ("coupon_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_42b1a91ac78dd7f04a515b60bb" ON "coupon_product"  ("product_id") `);
        await queryRunner.query(`ALTER TABLE "coupon_product" ADD CONSTRAINT "FK_78d9d79ed86f8882b39634937c3" FOREIGN KEY ("coupon_id") REFERENCES "coupon"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "coupon_product" ADD CONSTRAINT "FK_42b1a91ac78dd7f04a515b60bbc" FOREIGN KEY ("product_id") REFERENCES "product"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "coupon_product" DROP CONSTRAINT "FK_42b1a91ac78dd7f04a515b60bbc"`);
        await queryRunner.query(`ALTER TABLE "coupon_product" DROP CONSTRAINT "FK_78d9d79ed86f8882b39634937c3"`);
        await queryRunner.query(`DROP INDEX "IDX_42b1a91ac78dd7f04a515b60bb"`);
        await queryRunner.query(`DROP INDEX "IDX_78d9d79ed86f8882b39634937c"`);
        await queryRunner.query(`DROP TABLE "coupon_product"`);
        await queryRunner.query(`DROP INDEX "coupon_code_lower_unique"`);
        await queryRunner.query(`DROP TABLE "coupon"`);
    }

}
