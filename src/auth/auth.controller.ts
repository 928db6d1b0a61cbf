import { Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Caller, LoggedIn } from '../access/access.decorators';
import type { Authenticated } from '../access/tokens.service';
import { ErrorBody } from '../common/errors/error-body';
import { User } from '../users/user.entity';
import { AuthService, toMeDto } from './auth.service';
import { LoginResultDto, MeDto } from './dto/auth.dto';
import { FacebookAuthGuard } from './facebook-auth.guard';
import { RateLimit } from '../rate-limit/rate-limit.module';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('facebook')
  @UseGuards(FacebookAuthGuard)
  @RateLimit() // below: its guard runs first
  @ApiOperation({ summary: 'Start a Facebook login: 302 to Facebook with a single-use state (10 minutes) bound to this browser' })
  @ApiFoundResponse({ description: 'Redirect to the Facebook authorization URL (client_id, redirect_uri, state); sets the HttpOnly cw_login cookie' })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: '`login_disabled`' })
  start(): void {
    // FacebookAuthGuard has answered with the redirect
  }

  @Get('facebook/callback')
  @UseGuards(FacebookAuthGuard)
  @ApiOperation({
    summary: 'Facebook sends the browser back here: finish the login',
    description:
      "Answers the user and a Bearer token (`Cache-Control: no-store`). No cart is touched: the client then merges the anonymous cart it holds with POST /api/me/cart/merge. With AUTH_SUCCESS_REDIRECT set: 302 there with `#token=...` in the fragment, and an empty body.",
  })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiFoundResponse({ description: 'When AUTH_SUCCESS_REDIRECT is set' })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: '`invalid_state` (missing, forged, expired, reused, or another browser) or `login_denied`' })
  @ApiBadGatewayResponse({ type: ErrorBody, description: "`login_failed`: Facebook's token or profile endpoint failed" })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: '`login_disabled`' })
  callback(@Req() req: FastifyRequest & { user: User }, @Res() res: FastifyReply): void {
    const result = this.auth.completeLogin(req.user);
    void res.header('Cache-Control', 'no-store');
    const redirect = this.auth.successRedirect(result);
    // a 302 with an empty body (the URL carries the token)
    if (redirect) void res.status(302).header('Location', redirect).send();
    else void res.send(result satisfies LoginResultDto);
  }

  @Post('logout')
  @LoggedIn()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke this Bearer token (refused from now until it would have expired); the user keeps their cart' })
  @ApiNoContentResponse({ description: 'Logged out' })
  async logout(@Caller() caller: Authenticated): Promise<void> {
    await this.auth.logout(caller);
  }

  @Get('me')
  @LoggedIn()
  @ApiOperation({ summary: 'The user behind the Bearer token' })
  @ApiOkResponse({ type: MeDto })
  me(@Caller() caller: Authenticated): MeDto {
    return toMeDto(caller.user);
  }
}
