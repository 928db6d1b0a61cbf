import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app.config';

/** Validates the environment at start-up and provides the typed AppConfig everywhere. */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true })],
  providers: [{ provide: AppConfig, inject: [ConfigService], useFactory: AppConfig.fromConfigService }],
  exports: [AppConfig],
})
export class AppConfigModule {}
