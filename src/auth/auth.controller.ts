import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiFoundResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ErrorBody } from '../common/errors/error-body';
import { User } from '../users/user.entity';
import { LoggedIn } from '../access/access.decorators';
import { AuthService, toMeDto } from './auth.service';
import { LoginResultDto, LogoutDto, MeDto } from './dto/auth.dto';
import { FacebookAuthGuard, FacebookLogin } from './facebook-auth.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Get('facebook')
  @UseGuards(FacebookAuthGuard)
  @ApiOperation({ summary: 'Start a Facebook login for session `sid`: 302 to Facebook with a single-use state (10 minutes)' })
  @ApiQuery({ name: 'sid', required: true, example: 'k3Jx9_aQ2mZ0pL7tR4vW8c' })
  @ApiFoundResponse({ description: 'Redirect to the Facebook authorization URL (client_id, redirect_uri, state)' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid sid' })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: '`login_disabled`' })
  start(): void {
    // FacebookAuthGuard has answered with the redirect
  }

  @Get('facebook/callback')
  @UseGuards(FacebookAuthGuard)
  @ApiOperation({
    summary: 'Facebook sends the browser back here: finish the login',
    description: "Merges the session's anonymous cart into the user's cart and links the session to the user. With AUTH_SUCCESS_REDIRECT set: 302 there with `#token=...&sid=...`.",
  })
  @ApiOkResponse({ type: LoginResultDto })
  @ApiFoundResponse({ description: 'When AUTH_SUCCESS_REDIRECT is set' })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: '`invalid_state` (missing, forged, expired or reused) or `login_denied`; nobody is logged in, no cart changes' })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: '`login_disabled`' })
  async callback(@Req() req: Request & { user: FacebookLogin }, @Res({ passthrough: true }) res: Response): Promise<LoginResultDto | void> {
    const result = await this.auth.completeLogin(req.user.user, req.user.sid);
    const redirect = this.auth.successRedirect(result);
    if (redirect) return res.redirect(302, redirect);
    return result;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unlink a session from its user; it gets a fresh empty anonymous cart (the user keeps theirs)' })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid sid' })
  async logout(@Body() dto: LogoutDto): Promise<void> {
    await this.auth.logout(dto.sid);
  }

  @Get('me')
  @LoggedIn()
  @ApiOperation({ summary: 'The user behind the Bearer token' })
  @ApiOkResponse({ type: MeDto })
  me(@Req() req: Request & { user: User }): MeDto {
    return toMeDto(req.user);
  }
}
