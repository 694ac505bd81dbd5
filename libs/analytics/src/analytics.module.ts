import { Module } from '@nestjs/common';
import { CommunityModule } from '@foule/community';
import { AnalyticsResolver, DesignerRankingResolver } from './analytics.resolver';
import { AnalyticsExportController } from './export/analytics-export.controller';
import { AnalyticsFigures } from './figures/analytics-figures.service';

@Module({
  imports: [CommunityModule],
  controllers: [AnalyticsExportController],
  providers: [AnalyticsFigures, AnalyticsResolver, DesignerRankingResolver],
})
export class AnalyticsModule {}
