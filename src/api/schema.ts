/** The executable schema: schema.graphql (the one source of truth) plus the resolvers. */
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { projectPath } from '../project-root.js';
import { resolvers } from './resolvers/index.js';

export const SCHEMA_FILE = projectPath('schema.graphql');

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: readFileSync(SCHEMA_FILE, 'utf8'),
    resolvers: resolvers as never,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
