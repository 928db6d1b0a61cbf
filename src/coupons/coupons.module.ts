import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../access/access.module';
import { Coupon } from './coupon.entity';
import { CouponUsageService } from './coupon-usage.service';
import { CouponsController } from './coupons.controller';
import { CouponsRepository } from './coupons.repository';
import { CouponsService } from './coupons.service';

/** Coupons: the admin API, and the usage port carts and checkout go through. */
@Module({
  imports: [TypeOrmModule.forFeature([Coupon]), AccessModule],
  controllers: [CouponsController],
  providers: [CouponsService, CouponsRepository, CouponUsageService],
  exports: [CouponUsageService],
})
export class CouponsModule {}
