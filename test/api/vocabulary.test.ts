/** One vocabulary per status axis: the GraphQL enums are exactly the domain's lists (style.md §4, example 3). */
import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_FORMATS } from '../../src/domain/diagram/index.js';
import { KIND_NAMES } from '../../src/domain/kinds.js';
import * as states from '../../src/domain/states.js';

const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));
const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name);

describe('GraphQL enums', () => {
  it.each([
    ['Kind', KIND_NAMES],
    ['FabricConnectionStatus', states.FABRIC_CONNECTION],
    ['RepositoryConnectionStatus', states.REPOSITORY_CONNECTION],
    ['FabricSyncStatus', states.FABRIC_SYNC],
    ['FabricWatchStatus', states.FABRIC_WATCH],
    ['FabricLifecycle', states.FABRIC_LIFECYCLE],
    ['OperationStatus', states.OPERATION_STATUS],
    ['OperationType', states.OPERATION_TYPE],
    ['OperationTrigger', states.OPERATION_TRIGGER],
    ['StageName', states.STAGE_NAME],
    ['StageStatus', states.STAGE_STATUS],
    ['RecordState', states.RECORD_STATE],
    ['AuthKind', states.AUTH_KIND],
    ['DriftType', states.DRIFT_TYPE],
    ['Severity', states.SEVERITY],
    ['DiagramFormat', DIAGRAM_FORMATS],
  ] as const)('%s equals the domain list', (name, list) => {
    expect(values(name)).toEqual([...list]);
  });
});
