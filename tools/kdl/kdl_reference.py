#!/usr/bin/env python3
"""Reference kinematics and dynamics from Orocos KDL (Debian's python3-pykdl) for our URDF fixtures.

Run with Debian's interpreter (PyKDL is installed for it, not for other Pythons on the machine):
    apt-get install -y python3-pykdl
    /usr/bin/python3 tools/kdl/kdl_reference.py            # all models in fixtures/models.json

For every model in test/robot/kdl/fixtures/models.json it builds a KDL tree from the URDF with the
conventions of kdl_parser (written here from its documented behaviour, not copied), takes
getChain(base, tip), and for 20 seeded random (q, qd, qdd, tau) writes to fixtures/<name>.json:
  fk     tip pose (ChainFkSolverPos_recursive): p (3), R (3x3, row-major)
  J      6 x n (ChainJntToJacSolver): rows vx vy vz wx wy wz, reference point at the tip, base frame
  twist  6 (ChainFkSolverVel_recursive): tip origin velocity then angular velocity, base frame
  J_body 6 x n: J with changeBase(R_tipᵀ), i.e. both halves in tip axes (reference point still the tip)
  rnea   n (ChainIdSolver_RNE, gravity [0, 0, -9.81], no external wrenches)
  M      n x n (ChainDynParam.JntToMass)
  coriolis, gravity   n each: ChainDynParam.JntToCoriolis (C(q, qd)·qd) and JntToGravity
  ik     10 goals: the tip pose (FK) of a random configuration inside the URDF limits, and a
         seed inside the limits (models without mimic joints on the chain)
  aba    n: solution of M qdd = tau - C - G (ChainDynParam.JntToCoriolis / JntToGravity), since
         this KDL has no ChainFdSolver_RNE binding
kdl_parser conventions reproduced:
  - one KDL segment per URDF joint, named after the child link; segment frame = joint origin;
  - revolute and continuous -> Joint(name, origin.p, origin.M * axis, RotAxis); prismatic ->
    TransAxis; KDL's Joint constructor normalizes the axis (checked below); fixed -> Joint.Fixed
    (KDL 1.5's name for Joint::None); a continuous joint is a plain RotAxis (no limits in KDL);
  - inertia: RigidBodyInertia(mass, com = inertial origin xyz, R_inertial * I * R_inertialᵀ);
    a link without <inertial> gets a zero inertia; the root link's inertia is dropped;
  - <mimic> is ignored: KDL sees the mimic joint as an independent joint. Our model instead
    follows the source joint (q_mimic = multiplier·q_source + offset), so for models with mimic
    joints in the chain this script also writes the KDL values projected onto the independent
    coordinates (G: full <- independent, J·G, Gᵀ·tau, Gᵀ·M·G), which is what our model must equal.
"""
import json
import math
import os
import random
import sys
import xml.etree.ElementTree as ET

import PyKDL as kdl

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'test', 'robot', 'kdl', 'fixtures')
GRAVITY = (0.0, 0.0, -9.81)
SAMPLES = 20


def floats(text, count, default):
    if text is None:
        return list(default)
    values = [float(v) for v in text.split()]
    if len(values) != count:
        raise ValueError(f'expected {count} numbers, got "{text}"')
    return values


def pose_of(element):
    origin = element.find('origin') if element is not None else None
    if origin is None:
        return [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
    return floats(origin.get('xyz'), 3, [0, 0, 0]), floats(origin.get('rpy'), 3, [0, 0, 0])


def frame_of(xyz, rpy):
    return kdl.Frame(kdl.Rotation.RPY(*rpy), kdl.Vector(*xyz))


def parse_urdf(path):
    root = ET.parse(path).getroot()
    links = {}
    for link in root.findall('link'):
        inertial = link.find('inertial')
        if inertial is None:
            links[link.get('name')] = None
            continue
        xyz, rpy = pose_of(inertial)
        mass = float(inertial.find('mass').get('value'))
        inertia = inertial.find('inertia')
        tensor = {k: float(inertia.get(k, '0')) for k in ('ixx', 'ixy', 'ixz', 'iyy', 'iyz', 'izz')}
        links[link.get('name')] = {'xyz': xyz, 'rpy': rpy, 'mass': mass, 'inertia': tensor}
    joints = []
    for joint in root.findall('joint'):
        xyz, rpy = pose_of(joint)
        axis = joint.find('axis')
        mimic = joint.find('mimic')
        limit = joint.find('limit')
        joints.append({
            'name': joint.get('name'),
            'type': joint.get('type'),
            'parent': joint.find('parent').get('link'),
            'child': joint.find('child').get('link'),
            'xyz': xyz,
            'rpy': rpy,
            'axis': floats(axis.get('xyz') if axis is not None else None, 3, [1, 0, 0]),
            'limits': [float(limit.get('lower', '0')), float(limit.get('upper', '0'))] if limit is not None else [-math.pi, math.pi],
            'mimic': None if mimic is None else {
                'joint': mimic.get('joint'),
                'multiplier': float(mimic.get('multiplier', '1')),
                'offset': float(mimic.get('offset', '0')),
            },
        })
    children = {j['child'] for j in joints}
    roots = [name for name in links if name not in children]
    if len(roots) != 1:
        raise ValueError(f'{path}: expected one root link, found {roots}')
    return links, joints, roots[0]


def kdl_inertia(inertial):
    """kdl_parser's toKdl(Inertial): rotate the tensor from the inertial frame into link axes, COM at origin xyz."""
    if inertial is None:
        return kdl.RigidBodyInertia()
    t = inertial['inertia']
    about_com = kdl.RotationalInertia(t['ixx'], t['iyy'], t['izz'], t['ixy'], t['ixz'], t['iyz'])
    rotation = kdl.Rotation.RPY(*inertial['rpy'])
    # Rotating a zero-mass body inertia rotates its tensor alone: R·I·Rᵀ.
    rotated = (rotation * kdl.RigidBodyInertia(0.0, kdl.Vector.Zero(), about_com)).getRotationalInertia()
    return kdl.RigidBodyInertia(inertial['mass'], kdl.Vector(*inertial['xyz']), rotated)


def kdl_joint(joint):
    if joint['type'] == 'fixed':
        return kdl.Joint(joint['name'], kdl.Joint.Fixed)
    origin = frame_of(joint['xyz'], joint['rpy'])
    axis = origin.M * kdl.Vector(*joint['axis'])
    if joint['type'] in ('revolute', 'continuous'):
        return kdl.Joint(joint['name'], origin.p, axis, kdl.Joint.RotAxis)
    if joint['type'] == 'prismatic':
        return kdl.Joint(joint['name'], origin.p, axis, kdl.Joint.TransAxis)
    raise ValueError(f'joint {joint["name"]}: type {joint["type"]} not handled')


def build_tree(links, joints, root):
    tree = kdl.Tree(root)
    by_parent = {}
    for joint in joints:
        by_parent.setdefault(joint['parent'], []).append(joint)

    def add_children(parent):
        for joint in by_parent.get(parent, []):
            segment = kdl.Segment(joint['child'], kdl_joint(joint), frame_of(joint['xyz'], joint['rpy']),
                                  kdl_inertia(links[joint['child']]))
            if not tree.addSegment(segment, parent):
                raise RuntimeError(f'addSegment {joint["child"]} under {parent} failed')
            add_children(joint['child'])

    add_children(root)
    return tree


def chain_joints(chain):
    names = []
    for s in range(chain.getNrOfSegments()):
        joint = chain.getSegment(s).getJoint()
        if joint.getTypeName() not in ('Fixed', 'None'):
            names.append(joint.getName())
    return names


def jnt(values):
    array = kdl.JntArray(len(values))
    for i, v in enumerate(values):
        array[i] = v
    return array


def solve(matrix, rhs):
    """Gaussian elimination with partial pivoting (no numpy on Debian's interpreter here)."""
    n = len(rhs)
    a = [row[:] + [rhs[i]] for i, row in enumerate(matrix)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(a[r][c]))
        if abs(a[p][c]) < 1e-300:
            raise ZeroDivisionError('singular mass matrix')
        a[c], a[p] = a[p], a[c]
        for r in range(c + 1, n):
            f = a[r][c] / a[c][c]
            for k in range(c, n + 1):
                a[r][k] -= f * a[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - sum(a[r][k] * x[k] for k in range(r + 1, n))) / a[r][r]
    return x


def compute_model(entry):
    path = os.path.join(FIXTURES, entry['urdf'])
    links, joints, root = parse_urdf(path)
    tree = build_tree(links, joints, root)
    chain = tree.getChain(entry['base'], entry['tip'])
    full_names = chain_joints(chain)
    n_full = chain.getNrOfJoints()
    assert n_full == len(full_names)
    joint_by_name = {j['name']: j for j in joints}

    # Independent coordinates as our model defines them: a mimic joint whose source is in the chain follows it.
    independent = [name for name in full_names
                   if not (joint_by_name[name]['mimic'] and joint_by_name[name]['mimic']['joint'] in full_names)]
    n = len(independent)
    G = [[0.0] * n for _ in range(n_full)]
    offset = [0.0] * n_full
    for r, name in enumerate(full_names):
        mimic = joint_by_name[name]['mimic']
        if name in independent:
            G[r][independent.index(name)] = 1.0
        else:
            G[r][independent.index(mimic['joint'])] = mimic['multiplier']
            offset[r] = mimic['offset']
    has_mimic = n != n_full

    grav = kdl.Vector(*GRAVITY)
    fk = kdl.ChainFkSolverPos_recursive(chain)
    fk_vel = kdl.ChainFkSolverVel_recursive(chain)
    jac_solver = kdl.ChainJntToJacSolver(chain)
    id_solver = kdl.ChainIdSolver_RNE(chain, grav)
    dyn = kdl.ChainDynParam(chain, grav)

    rng = random.Random(entry['name'])
    samples = []
    for _ in range(SAMPLES):
        q, qd, qdd, tau = [], [], [], []
        for name in independent:
            prismatic = joint_by_name[name]['type'] == 'prismatic'
            q.append(rng.uniform(-0.5, 0.5) if prismatic else rng.uniform(-math.pi, math.pi))
            qd.append(rng.uniform(-2, 2))
            qdd.append(rng.uniform(-5, 5))
            tau.append(rng.uniform(-20, 20))
        expand = lambda x, shift: [sum(G[r][k] * x[k] for k in range(n)) + (offset[r] if shift else 0.0) for r in range(n_full)]
        q_full, qd_full, qdd_full = expand(q, True), expand(qd, False), expand(qdd, False)
        kq, kqd, kqdd = jnt(q_full), jnt(qd_full), jnt(qdd_full)

        frame = kdl.Frame()
        assert fk.JntToCart(kq, frame) >= 0
        jac = kdl.Jacobian(n_full)
        assert jac_solver.JntToJac(kq, jac) >= 0
        tau_rne = kdl.JntArray(n_full)
        wrenches = [kdl.Wrench() for _ in range(chain.getNrOfSegments())]
        assert id_solver.CartToJnt(kq, kqd, kqdd, wrenches, tau_rne) >= 0
        mass = kdl.JntSpaceInertiaMatrix(n_full)
        assert dyn.JntToMass(kq, mass) >= 0
        cor = kdl.JntArray(n_full)
        assert dyn.JntToCoriolis(kq, kqd, cor) >= 0
        grv = kdl.JntArray(n_full)
        assert dyn.JntToGravity(kq, grv) >= 0

        # Tip twist (origin velocity, angular velocity; base frame) and the Jacobian in tip axes.
        frame_vel = kdl.FrameVel()
        assert fk_vel.JntToCart(kdl.JntArrayVel(kq, kqd), frame_vel) >= 0
        twist = frame_vel.deriv()
        jac_body = kdl.Jacobian(n_full)
        assert jac_solver.JntToJac(kq, jac_body) >= 0
        jac_body.changeBase(frame.M.Inverse())
        J_full = [[jac[i, j] for j in range(n_full)] for i in range(6)]
        M_full = [[mass[i, j] for j in range(n_full)] for i in range(n_full)]
        rnea_full = [tau_rne[i] for i in range(n_full)]
        bias_full = [cor[i] + grv[i] for i in range(n_full)]
        # KDL against itself: RNE = M·qdd + C + G.
        for i in range(n_full):
            lhs = sum(M_full[i][j] * qdd_full[j] for j in range(n_full)) + bias_full[i]
            assert abs(lhs - rnea_full[i]) <= 1e-9 * (1 + abs(rnea_full[i])), (entry['name'], i, lhs, rnea_full[i])

        # Project onto the independent coordinates (identity when there is no mimic joint).
        J = [[sum(J_full[i][r] * G[r][k] for r in range(n_full)) for k in range(n)] for i in range(6)]
        project = lambda v: [sum(G[r][k] * v[r] for r in range(n_full)) for k in range(n)]
        M = [[sum(G[r][a] * M_full[r][s] * G[s][b] for r in range(n_full) for s in range(n_full)) for b in range(n)] for a in range(n)]
        bias = project(bias_full)
        qdd_fd = solve(M, [tau[k] - bias[k] for k in range(n)])

        sample = {
            'q': q, 'qd': qd, 'qdd': qdd, 'tau': tau,
            'fk': {'p': [frame.p[i] for i in range(3)], 'R': [[frame.M[i, j] for j in range(3)] for i in range(3)]},
            'J': J,
            'rnea': project(rnea_full),
            'M': M,
            'aba': qdd_fd,
            'twist': [twist.vel[i] for i in range(3)] + [twist.rot[i] for i in range(3)],
            'J_body': [[sum(jac_body[i, r] * G[r][k] for r in range(n_full)) for k in range(n)] for i in range(6)],
            'coriolis': project([cor[i] for i in range(n_full)]),
            'gravity': project([grv[i] for i in range(n_full)]),
        }
        if has_mimic:
            sample['kdl_raw'] = {'q': q_full, 'J': J_full, 'rnea': rnea_full, 'M': M_full}
        samples.append(sample)

    # IK goals: tip poses (KDL FK) of random in-limit configurations, and in-limit seeds.
    ik = []
    if not has_mimic:
        def in_limits():
            values = []
            for name in independent:
                joint = joint_by_name[name]
                lower, upper = joint['limits'] if joint['type'] != 'continuous' else (-math.pi, math.pi)
                values.append(rng.uniform(lower, upper))
            return values
        for _ in range(10):
            q_goal = in_limits()
            frame = kdl.Frame()
            assert fk.JntToCart(jnt(q_goal), frame) >= 0
            ik.append({'q_goal': q_goal, 'seed': in_limits(),
                       'p': [frame.p[i] for i in range(3)], 'R': [[frame.M[i, j] for j in range(3)] for i in range(3)]})

    return {
        'model': entry['name'],
        'urdf': entry['urdf'],
        'base': entry['base'],
        'tip': entry['tip'],
        'gravity': list(GRAVITY),
        'joints': independent,
        'kdl_joints': full_names,
        'kdl_segments': chain.getNrOfSegments(),
        'generator': 'tools/kdl/kdl_reference.py with PyKDL (Debian python3-pykdl)',
        'samples': samples,
        'ik': ik,
    }


def check_axis_normalization():
    """KDL's Joint constructor normalizes the axis; the fixtures rely on it (and so does our parser)."""
    joint = kdl.Joint('probe', kdl.Vector.Zero(), kdl.Vector(0, 1.2, 1.6), kdl.Joint.TransAxis)
    axis = joint.JointAxis()
    assert abs(axis[1] - 0.6) < 1e-15 and abs(axis[2] - 0.8) < 1e-15, axis
    assert abs(joint.pose(1.0).p[2] - 0.8) < 1e-15


def main():
    check_axis_normalization()
    with open(os.path.join(FIXTURES, 'models.json')) as f:
        models = json.load(f)
    only = set(sys.argv[1:])
    for entry in models:
        if only and entry['name'] not in only:
            continue
        result = compute_model(entry)
        out = os.path.join(FIXTURES, entry['name'] + '.json')
        with open(out, 'w') as f:
            json.dump(result, f, indent=1)
            f.write('\n')
        print(f'{entry["name"]}: {len(result["joints"])} joints ({len(result["kdl_joints"])} in KDL), '
              f'{result["kdl_segments"]} segments -> {os.path.relpath(out)}')


if __name__ == '__main__':
    main()
