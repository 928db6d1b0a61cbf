import { MigrationInterface, QueryRunner } from "typeorm";

export class Users1795609025013 implements MigrationInterface {
    name = 'Users1795609025013'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL, "facebook_id" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "email" character varying(320), "role" character varying(16) NOT NULL DEFAULT 'customer', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "users_role" CHECK ("role" IN ('customer', 'admin')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "users_facebook_id_unique" ON "users"  ("facebook_id") `);
        await queryRunner.query(`ALTER TABLE "orders" ADD "user_id" integer`);
        await queryRunner.query(`CREATE INDEX "orders_user_id" ON "orders"  ("user_id") `);
        await queryRunner.query(`ALTER TABLE "orders" ADD CONSTRAINT "FK_a922b820eeef29ac1c6800e826a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "orders" DROP CONSTRAINT "FK_a922b820eeef29ac1c6800e826a"`);
        await queryRunner.query(`DROP INDEX "orders_user_id"`);
        await queryRunner.query(`ALTER TABLE "orders" DROP COLUMN "user_id"`);
        await queryRunner.query(`DROP INDEX "users_facebook_id_unique"`);
        await queryRunner.query(`DROP TABLE "users"`);
    }

}
