// Public face of the clinical data repository (临床数据中心): the engine's internal subscriber that keeps the state
// and history of every entity the interaction services carry, the answerer of the service queries, and its API.
import './permissions.js';

export { CP } from './permissions.js';
export { cdrRoutes } from './routes.js';
export { cdrSubscriber, applyTargets, targetsOf, timeDigits, CDR_LANE } from './record.js';
export type { CdrTarget } from './record.js';
export { cdrAnswerer, answerQuery, planQuery, queryAnswerXml } from './answer.js';
export { bindingOf, cdrEntity, listCdrEntities, queryResultService } from './bindings.js';
export type { CdrBinding, CdrEntity, CdrOperation, CdrReference } from './bindings.js';
export { searchRecords, recordWithHistory, presentRecord } from './search.js';
export type { CdrFilter, CdrRecord, CdrHistoryEntry } from './search.js';
export { machineOf, resolveState, checkTransition } from './states.js';
export type { StateMachine, StateMachineExtra } from './states.js';
export { exampleScenario, creatorOf } from './scenario.js';
export type { ScenarioStep } from './scenario.js';
export { registerOriginatorHelper, referencedRecords } from './originator.js';
