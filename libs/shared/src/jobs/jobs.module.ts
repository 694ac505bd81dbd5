import { Global, Module, type DynamicModule } from '@nestjs/common';
import { JOBS_OPTIONS, JobScheduler, type JobsOptions } from './job-scheduler';

@Global()
@Module({})
export class JobsModule {
  static forRoot(options: JobsOptions): DynamicModule {
    return {
      module: JobsModule,
      providers: [{ provide: JOBS_OPTIONS, useValue: options }, JobScheduler],
      exports: [JobScheduler],
    };
  }
}
