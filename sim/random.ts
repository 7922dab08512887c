// The simulator's random source is the project's seeded generator (robot/random.ts).
export { Random, createRandom } from '../robot/random.ts';
