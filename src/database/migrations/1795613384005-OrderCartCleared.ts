import { MigrationInterface, QueryRunner } from "typeorm";

export class OrderCartCleared1795613384005 implements MigrationInterface {
    name = 'OrderCartCleared1795613384005'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "orders" ADD "cart_cleared" boolean NOT NULL DEFAULT false`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "cart_cleared"`);
    }

}
