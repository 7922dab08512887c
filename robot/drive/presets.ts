// Reducer presets: typical catalog values for three classes of precision reducers, written with
// units exactly as a drive file would. A joint references one (`reducer: {preset: harmonic,
// ratio: 100}`) and overrides any field. The ratio is never part of a preset: it comes from the
// URDF <transmission> or the drive file.
//
// Sources (typical values of the class, rounded; check the data sheet of the exact size you use):
// - harmonic: strain-wave gears of the Harmonic Drive CSF series, size 17-20, ratio 80-100
//   (CSF-series catalog: torsional stiffness K1/K2/K3 with breakpoints T1/T2, hysteresis loss
//   about 1 arcmin, transmission accuracy about 1 arcmin at twice the input frequency, zero
//   backlash, efficiency 65-80 % at rated torque depending on speed and temperature).
// - planetary: precision planetary gearheads, frame 60-90 mm, one or two stages (the class of
//   Wittenstein alpha SP+/TP+ and Neugart PLE/PLN data sheets): backlash ≤ 3 arcmin (standard),
//   torsional stiffness around 10 N·m/arcmin, efficiency 94-97 %.
// - cycloidal: RV-type cycloidal reducers (Nabtesco RV-E class, sizes 20E-40E): lost motion
//   ≤ 1 arcmin, torsional rigidity around 50 N·m/arcmin, efficiency 80-85 %.
// Back-drive efficiency and mesh damping are not catalog items: the values below are modelling
// choices (back-drive efficiency somewhat below forward; damping giving a few % of critical).

/** A preset: raw drive-file `reducer` fields (values with units). */
export type ReducerPreset = Readonly<Record<string, unknown>>;

/** Presets by name. */
export const REDUCER_PRESETS: Readonly<Record<string, ReducerPreset>> = Object.freeze({
  harmonic: Object.freeze({
    inputInertia: '0.19 kg cm^2',
    forwardEfficiency: 0.75,
    backEfficiency: 0.6,
    backlash: '0 arcmin',
    stiffness: ['1.3e4 N m/rad', '1.8e4 N m/rad', '2.3e4 N m/rad'],
    breakTorque: ['7 N m', '25 N m'],
    damping: '20 N m s/rad',
    hysteresisLoss: '1 arcmin',
    kinematicError: [{ amplitude: '0.5 arcmin', order: 2, phase: '0 deg' }],
  }),
  planetary: Object.freeze({
    inputInertia: '0.2 kg cm^2',
    forwardEfficiency: 0.95,
    backEfficiency: 0.9,
    backlash: '1.5 arcmin',
    stiffness: '3.4e4 N m/rad',
    damping: '30 N m s/rad',
    hysteresisLoss: '0 arcmin',
    kinematicError: [{ amplitude: '0.5 arcmin', order: 1, phase: '0 deg' }],
  }),
  cycloidal: Object.freeze({
    inputInertia: '0.5 kg cm^2',
    forwardEfficiency: 0.82,
    backEfficiency: 0.7,
    backlash: '0.5 arcmin',
    stiffness: '1.7e5 N m/rad',
    damping: '100 N m s/rad',
    hysteresisLoss: '0.5 arcmin',
    kinematicError: [{ amplitude: '0.3 arcmin', order: 1, phase: '0 deg' }],
  }),
});
