export { film, filmParamsPerLayer, isFilmLayer, FILM_VARS, ENCODING, type FilmOptions } from './film';
export { filmDualNorm } from './dual-norm';
export { oatLossMix, sampleLambdas, type OatLossOptions, type OatPreparedLoss } from './loss-mix';
export { oat, oatCondition, oatSettings, type OatOptions } from './recipe';
export { DEFAULT_LAMBDAS, FILM_LAMBDAS, lambdaIndex, randomOrthogonal } from './lambdas';
export { oatKit, filmNarrowExtra } from './kit';
export { filmModuleParams, filmParamsFor, type FilmSizeOptions } from './film-cost';
