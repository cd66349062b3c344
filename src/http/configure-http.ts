import type { INestApplication } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ExportQueryRegistry } from '../exports/query/export-query.registry';
import express from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config';
import { mountExportCenter } from '../export-center/export-center.static';
import { mountQueueDashboard } from '../ops/queue-dashboard';
import { HttpExceptionCode, PROBLEM_CONTENT_TYPE, ProblemDetails, problemOf, sendProblem } from './problem-details';
import { ProblemDetailsFilter } from './problem-details.filter';
import type { NextFunction, Request, Response } from 'express';

export const BODY_LIMIT = '256kb';

/** Body-parser failures as problem details (400s, as they always were), never express's HTML error page. */
function bodyErrorHandler(error: { type?: string; status?: number }, req: Request, res: Response, next: NextFunction): void {
  const refuse = (code: HttpExceptionCode, message: string): void => sendProblem(res, problemOf(400, code, [message], req.path));
  if (error.type === 'entity.too.large') {
    refuse(HttpExceptionCode.REQUEST_TOO_LARGE, `The request body is larger than the ${BODY_LIMIT} limit`);
  } else if (error.type === 'entity.parse.failed') {
    refuse(HttpExceptionCode.INVALID_JSON, 'The request body is not valid JSON');
  } else if (error.status && error.status >= 400 && error.status < 500) {
    refuse(HttpExceptionCode.VALIDATION_FAILED, 'The request body could not be read');
  } else {
    next(error);
  }
}

/** Everything the HTTP edge needs, shared by main.ts and the e2e tests. */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  app.setGlobalPrefix('api');
  // req.ip (rate limits per address) from X-Forwarded-For, only through the proxies TRUST_PROXY names.
  (app.getHttpAdapter().getInstance() as express.Express).set('trust proxy', config.trustProxy);
  mountExportCenter(app);
  app.use(
    helmet({
      // Swagger UI needs inline styles and data: images; scripts stay 'self' only.
      contentSecurityPolicy: { directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } },
    }),
  );
  if (config.corsOrigins)
    app.enableCors({
      origin: config.corsOrigins === '*' ? '*' : config.corsOrigins,
      exposedHeaders: ['Content-Disposition', 'Location', 'Retry-After', 'X-Request-Id'],
    });
  app.use(express.json({ limit: BODY_LIMIT }), bodyErrorHandler);
  mountQueueDashboard(app, config);
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks(undefined, { useProcessExit: true });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Exports API')
      .setDescription('Asynchronous bulk exports of EZPass tolls, parking violations, CURB trips and driver ledgers.')
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
    { extraModels: [ProblemDetails] },
  );
  documentExportTypes(document, app.get(ExportQueryRegistry).types());
  documentProblems(document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', swaggerOptions: { persistAuthorization: true } });
}

/** The export types are whatever the domain modules provide, so the document lists them once they are known. */
function documentExportTypes(document: OpenAPIObject, types: string[]): void {
  const schema = document.components?.schemas?.CreateExportDto as { properties?: Record<string, object> } | undefined;
  const property = schema?.properties?.export_type;
  if (property) Object.assign(property, { enum: types, example: types[0] });
}

/** Every documented error answer's body: problem details (docs/errors.md lists the codes). */
function documentProblems(document: OpenAPIObject): void {
  const body = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetails) } } };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, { responses?: Record<string, { content?: object }> }>)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) >= 400) response.content = body;
      }
    }
  }
}
