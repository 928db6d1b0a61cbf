import { Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { SessionDto } from './dto/session.dto';
import { RateLimit } from '../rate-limit/rate-limit.module';

/** Hands out anonymous cart ids (`sid`): a session here is a cart session, not a login. */
@ApiTags('carts')
@Controller('api/sessions')
export class CartSessionsController {
  @Post()
  @RateLimit()
  @ApiOperation({ summary: 'A fresh random cart session id (144 bits) for clients that have none' })
  @ApiCreatedResponse({ type: SessionDto })
  create(): SessionDto {
    return { sid: randomBytes(18).toString('base64url') };
  }
}
