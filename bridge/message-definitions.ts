// Definitions of the standard ROS message, service and action types the bridge knows, in the
// .msg text format of their packages (field lines `type name`, constants `type NAME=value`).
// `time` and `duration` stand for ROS 1 time / builtin_interfaces Time and Duration; both wire
// spellings are accepted for them. Header keeps ROS 1's `seq`, which ROS 2 peers may omit.

const MULTI_ARRAY_ELEMENTS = ['float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'byte'];
const MULTI_ARRAY_NAMES: Record<string, string> = {
  float32: 'Float32', float64: 'Float64', int8: 'Int8', int16: 'Int16', int32: 'Int32', int64: 'Int64',
  uint8: 'UInt8', uint16: 'UInt16', uint32: 'UInt32', uint64: 'UInt64', byte: 'Byte',
};
const SCALARS: Record<string, string> = {
  Bool: 'bool', Byte: 'byte', Char: 'char', String: 'string', Float32: 'float32', Float64: 'float64',
  Int8: 'int8', Int16: 'int16', Int32: 'int32', Int64: 'int64', UInt8: 'uint8', UInt16: 'uint16', UInt32: 'uint32', UInt64: 'uint64',
  Time: 'time', Duration: 'duration',
};

/** Message definitions keyed by canonical `pkg/Type` name. */
export const MESSAGE_DEFINITIONS: Readonly<Record<string, string>> = {
  'builtin_interfaces/Time': 'int32 sec\nuint32 nanosec',
  'builtin_interfaces/Duration': 'int32 sec\nuint32 nanosec',
  'std_msgs/Empty': '',
  ...Object.fromEntries(Object.entries(SCALARS).map(([name, type]) => [`std_msgs/${name}`, `${type} data`])),
  'std_msgs/Header': 'uint32 seq\ntime stamp\nstring frame_id',
  'std_msgs/ColorRGBA': 'float32 r\nfloat32 g\nfloat32 b\nfloat32 a',
  'std_msgs/MultiArrayDimension': 'string label\nuint32 size\nuint32 stride',
  'std_msgs/MultiArrayLayout': 'std_msgs/MultiArrayDimension[] dim\nuint32 data_offset',
  ...Object.fromEntries(
    MULTI_ARRAY_ELEMENTS.map((e) => [`std_msgs/${MULTI_ARRAY_NAMES[e]}MultiArray`, `std_msgs/MultiArrayLayout layout\n${e}[] data`]),
  ),
  'geometry_msgs/Vector3': 'float64 x\nfloat64 y\nfloat64 z',
  'geometry_msgs/Point': 'float64 x\nfloat64 y\nfloat64 z',
  'geometry_msgs/Point32': 'float32 x\nfloat32 y\nfloat32 z',
  'geometry_msgs/Quaternion': 'float64 x\nfloat64 y\nfloat64 z\nfloat64 w',
  'geometry_msgs/Pose': 'geometry_msgs/Point position\ngeometry_msgs/Quaternion orientation',
  'geometry_msgs/Pose2D': 'float64 x\nfloat64 y\nfloat64 theta',
  'geometry_msgs/PoseStamped': 'std_msgs/Header header\ngeometry_msgs/Pose pose',
  'geometry_msgs/PoseArray': 'std_msgs/Header header\ngeometry_msgs/Pose[] poses',
  'geometry_msgs/PoseWithCovariance': 'geometry_msgs/Pose pose\nfloat64[36] covariance',
  'geometry_msgs/PoseWithCovarianceStamped': 'std_msgs/Header header\ngeometry_msgs/PoseWithCovariance pose',
  'geometry_msgs/PointStamped': 'std_msgs/Header header\ngeometry_msgs/Point point',
  'geometry_msgs/QuaternionStamped': 'std_msgs/Header header\ngeometry_msgs/Quaternion quaternion',
  'geometry_msgs/Vector3Stamped': 'std_msgs/Header header\ngeometry_msgs/Vector3 vector',
  'geometry_msgs/Transform': 'geometry_msgs/Vector3 translation\ngeometry_msgs/Quaternion rotation',
  'geometry_msgs/TransformStamped': 'std_msgs/Header header\nstring child_frame_id\ngeometry_msgs/Transform transform',
  'geometry_msgs/Twist': 'geometry_msgs/Vector3 linear\ngeometry_msgs/Vector3 angular',
  'geometry_msgs/TwistStamped': 'std_msgs/Header header\ngeometry_msgs/Twist twist',
  'geometry_msgs/TwistWithCovariance': 'geometry_msgs/Twist twist\nfloat64[36] covariance',
  'geometry_msgs/Accel': 'geometry_msgs/Vector3 linear\ngeometry_msgs/Vector3 angular',
  'geometry_msgs/AccelStamped': 'std_msgs/Header header\ngeometry_msgs/Accel accel',
  'geometry_msgs/Wrench': 'geometry_msgs/Vector3 force\ngeometry_msgs/Vector3 torque',
  'geometry_msgs/WrenchStamped': 'std_msgs/Header header\ngeometry_msgs/Wrench wrench',
  'geometry_msgs/Inertia': 'float64 m\ngeometry_msgs/Vector3 com\nfloat64 ixx\nfloat64 ixy\nfloat64 ixz\nfloat64 iyy\nfloat64 iyz\nfloat64 izz',
  'geometry_msgs/InertiaStamped': 'std_msgs/Header header\ngeometry_msgs/Inertia inertia',
  'geometry_msgs/TwistWithCovarianceStamped': 'std_msgs/Header header\ngeometry_msgs/TwistWithCovariance twist',
  'geometry_msgs/AccelWithCovariance': 'geometry_msgs/Accel accel\nfloat64[36] covariance',
  'geometry_msgs/AccelWithCovarianceStamped': 'std_msgs/Header header\ngeometry_msgs/AccelWithCovariance accel',
  'geometry_msgs/Polygon': 'geometry_msgs/Point32[] points',
  'geometry_msgs/PolygonStamped': 'std_msgs/Header header\ngeometry_msgs/Polygon polygon',
  'sensor_msgs/JointState': 'std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\nfloat64[] effort',
  'sensor_msgs/Imu':
    'std_msgs/Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\n' +
    'geometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n' +
    'geometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance',
  'sensor_msgs/Temperature': 'std_msgs/Header header\nfloat64 temperature\nfloat64 variance',
  'sensor_msgs/MagneticField': 'std_msgs/Header header\ngeometry_msgs/Vector3 magnetic_field\nfloat64[9] magnetic_field_covariance',
  'sensor_msgs/Image': 'std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data',
  // The rest of sensor_msgs (cameras, ranging, point clouds, joysticks, power, navigation satellites,
  // environment). CameraInfo's matrices are D K R P in ROS 1 and d k r p in ROS 2: both spellings
  // are fields here (a missing field is allowed), so either dialect's message passes.
  'sensor_msgs/CompressedImage': 'std_msgs/Header header\nstring format\nuint8[] data',
  'sensor_msgs/RegionOfInterest': 'uint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify',
  'sensor_msgs/CameraInfo':
    'std_msgs/Header header\nuint32 height\nuint32 width\nstring distortion_model\n' +
    'float64[] d\nfloat64[9] k\nfloat64[9] r\nfloat64[12] p\nfloat64[] D\nfloat64[9] K\nfloat64[9] R\nfloat64[12] P\n' +
    'uint32 binning_x\nuint32 binning_y\nsensor_msgs/RegionOfInterest roi',
  'sensor_msgs/LaserScan':
    'std_msgs/Header header\nfloat32 angle_min\nfloat32 angle_max\nfloat32 angle_increment\nfloat32 time_increment\n' +
    'float32 scan_time\nfloat32 range_min\nfloat32 range_max\nfloat32[] ranges\nfloat32[] intensities',
  'sensor_msgs/LaserEcho': 'float32[] echoes',
  'sensor_msgs/MultiEchoLaserScan':
    'std_msgs/Header header\nfloat32 angle_min\nfloat32 angle_max\nfloat32 angle_increment\nfloat32 time_increment\n' +
    'float32 scan_time\nfloat32 range_min\nfloat32 range_max\nsensor_msgs/LaserEcho[] ranges\nsensor_msgs/LaserEcho[] intensities',
  'sensor_msgs/PointField':
    'uint8 INT8=1\nuint8 UINT8=2\nuint8 INT16=3\nuint8 UINT16=4\nuint8 INT32=5\nuint8 UINT32=6\nuint8 FLOAT32=7\nuint8 FLOAT64=8\n' +
    'string name\nuint32 offset\nuint8 datatype\nuint32 count',
  'sensor_msgs/PointCloud2':
    'std_msgs/Header header\nuint32 height\nuint32 width\nsensor_msgs/PointField[] fields\nbool is_bigendian\n' +
    'uint32 point_step\nuint32 row_step\nuint8[] data\nbool is_dense',
  'sensor_msgs/ChannelFloat32': 'string name\nfloat32[] values',
  'sensor_msgs/PointCloud': 'std_msgs/Header header\ngeometry_msgs/Point32[] points\nsensor_msgs/ChannelFloat32[] channels',
  'sensor_msgs/Range':
    'uint8 ULTRASOUND=0\nuint8 INFRARED=1\nstd_msgs/Header header\nuint8 radiation_type\nfloat32 field_of_view\n' +
    'float32 min_range\nfloat32 max_range\nfloat32 range\nfloat32 variance',
  'sensor_msgs/Joy': 'std_msgs/Header header\nfloat32[] axes\nint32[] buttons',
  'sensor_msgs/JoyFeedback': 'uint8 TYPE_LED=0\nuint8 TYPE_RUMBLE=1\nuint8 TYPE_BUZZER=2\nuint8 type\nuint8 id\nfloat32 intensity',
  'sensor_msgs/JoyFeedbackArray': 'sensor_msgs/JoyFeedback[] array',
  'sensor_msgs/BatteryState':
    'std_msgs/Header header\nfloat32 voltage\nfloat32 temperature\nfloat32 current\nfloat32 charge\nfloat32 capacity\n' +
    'float32 design_capacity\nfloat32 percentage\nuint8 power_supply_status\nuint8 power_supply_health\n' +
    'uint8 power_supply_technology\nbool present\nfloat32[] cell_voltage\nfloat32[] cell_temperature\nstring location\nstring serial_number',
  'sensor_msgs/NavSatStatus': 'int8 STATUS_NO_FIX=-1\nint8 STATUS_FIX=0\nint8 STATUS_SBAS_FIX=1\nint8 STATUS_GBAS_FIX=2\nint8 status\nuint16 service',
  'sensor_msgs/NavSatFix':
    'std_msgs/Header header\nsensor_msgs/NavSatStatus status\nfloat64 latitude\nfloat64 longitude\nfloat64 altitude\n' +
    'float64[9] position_covariance\nuint8 position_covariance_type',
  'sensor_msgs/FluidPressure': 'std_msgs/Header header\nfloat64 fluid_pressure\nfloat64 variance',
  'sensor_msgs/Illuminance': 'std_msgs/Header header\nfloat64 illuminance\nfloat64 variance',
  'sensor_msgs/RelativeHumidity': 'std_msgs/Header header\nfloat64 relative_humidity\nfloat64 variance',
  'sensor_msgs/TimeReference': 'std_msgs/Header header\ntime time_ref\nstring source',
  'sensor_msgs/MultiDOFJointState':
    'std_msgs/Header header\nstring[] joint_names\ngeometry_msgs/Transform[] transforms\ngeometry_msgs/Twist[] twist\ngeometry_msgs/Wrench[] wrench',
  // What a browser viewer is most often sent besides the above: odometry, paths, maps and markers
  // (nav_msgs, visualization_msgs; Marker with ROS 2's texture and mesh fields, which ROS 1 omits).
  'nav_msgs/Odometry': 'std_msgs/Header header\nstring child_frame_id\ngeometry_msgs/PoseWithCovariance pose\ngeometry_msgs/TwistWithCovariance twist',
  'nav_msgs/Path': 'std_msgs/Header header\ngeometry_msgs/PoseStamped[] poses',
  'nav_msgs/MapMetaData': 'time map_load_time\nfloat32 resolution\nuint32 width\nuint32 height\ngeometry_msgs/Pose origin',
  'nav_msgs/OccupancyGrid': 'std_msgs/Header header\nnav_msgs/MapMetaData info\nint8[] data',
  'nav_msgs/GridCells': 'std_msgs/Header header\nfloat32 cell_width\nfloat32 cell_height\ngeometry_msgs/Point[] cells',
  'visualization_msgs/UVCoordinate': 'float32 u\nfloat32 v',
  'visualization_msgs/MeshFile': 'string filename\nuint8[] data',
  'visualization_msgs/Marker':
    'int32 ARROW=0\nint32 CUBE=1\nint32 SPHERE=2\nint32 CYLINDER=3\nint32 LINE_STRIP=4\nint32 LINE_LIST=5\nint32 CUBE_LIST=6\n' +
    'int32 SPHERE_LIST=7\nint32 POINTS=8\nint32 TEXT_VIEW_FACING=9\nint32 MESH_RESOURCE=10\nint32 TRIANGLE_LIST=11\n' +
    'int32 ADD=0\nint32 MODIFY=0\nint32 DELETE=2\nint32 DELETEALL=3\n' +
    'std_msgs/Header header\nstring ns\nint32 id\nint32 type\nint32 action\ngeometry_msgs/Pose pose\ngeometry_msgs/Vector3 scale\n' +
    'std_msgs/ColorRGBA color\nduration lifetime\nbool frame_locked\ngeometry_msgs/Point[] points\nstd_msgs/ColorRGBA[] colors\n' +
    'string texture_resource\nsensor_msgs/CompressedImage texture\nvisualization_msgs/UVCoordinate[] uv_coordinates\nstring text\n' +
    'string mesh_resource\nvisualization_msgs/MeshFile mesh_file\nbool mesh_use_embedded_materials',
  'visualization_msgs/MarkerArray': 'visualization_msgs/Marker[] markers',
  'trajectory_msgs/JointTrajectoryPoint':
    'float64[] positions\nfloat64[] velocities\nfloat64[] accelerations\nfloat64[] effort\nduration time_from_start',
  'trajectory_msgs/JointTrajectory': 'std_msgs/Header header\nstring[] joint_names\ntrajectory_msgs/JointTrajectoryPoint[] points',
  'trajectory_msgs/MultiDOFJointTrajectoryPoint':
    'geometry_msgs/Transform[] transforms\ngeometry_msgs/Twist[] velocities\ngeometry_msgs/Twist[] accelerations\nduration time_from_start',
  'trajectory_msgs/MultiDOFJointTrajectory':
    'std_msgs/Header header\nstring[] joint_names\ntrajectory_msgs/MultiDOFJointTrajectoryPoint[] points',
  'control_msgs/JointJog': 'std_msgs/Header header\nstring[] joint_names\nfloat64[] displacements\nfloat64[] velocities\nfloat64 duration',
  'control_msgs/JointTolerance': 'string name\nfloat64 position\nfloat64 velocity\nfloat64 acceleration',
  'control_msgs/JointTrajectoryControllerState':
    'std_msgs/Header header\nstring[] joint_names\ntrajectory_msgs/JointTrajectoryPoint reference\n' +
    'trajectory_msgs/JointTrajectoryPoint feedback\ntrajectory_msgs/JointTrajectoryPoint error\n' +
    'trajectory_msgs/JointTrajectoryPoint output\ntrajectory_msgs/JointTrajectoryPoint desired\n' +
    'trajectory_msgs/JointTrajectoryPoint actual',
  'control_msgs/FollowJointTrajectoryGoal':
    'trajectory_msgs/JointTrajectory trajectory\ntrajectory_msgs/MultiDOFJointTrajectory multi_dof_trajectory\n' +
    'control_msgs/JointTolerance[] path_tolerance\ncontrol_msgs/JointTolerance[] goal_tolerance\nduration goal_time_tolerance',
  'control_msgs/FollowJointTrajectoryResult':
    'int32 SUCCESSFUL=0\nint32 INVALID_GOAL=-1\nint32 INVALID_JOINTS=-2\nint32 OLD_HEADER_TIMESTAMP=-3\n' +
    'int32 PATH_TOLERANCE_VIOLATED=-4\nint32 GOAL_TOLERANCE_VIOLATED=-5\nint32 error_code\nstring error_string',
  'control_msgs/FollowJointTrajectoryFeedback':
    'std_msgs/Header header\nstring[] joint_names\ntrajectory_msgs/JointTrajectoryPoint desired\n' +
    'trajectory_msgs/JointTrajectoryPoint actual\ntrajectory_msgs/JointTrajectoryPoint error',
  'tf2_msgs/TFMessage': 'geometry_msgs/TransformStamped[] transforms',
  'rosgraph_msgs/Clock': 'time clock',
  'rosgraph_msgs/Log':
    'byte DEBUG=1\nbyte INFO=2\nbyte WARN=4\nbyte ERROR=8\nbyte FATAL=16\nstd_msgs/Header header\nbyte level\n' +
    'string name\nstring msg\nstring file\nstring function\nuint32 line\nstring[] topics',
  'diagnostic_msgs/KeyValue': 'string key\nstring value',
  'diagnostic_msgs/DiagnosticStatus':
    'byte OK=0\nbyte WARN=1\nbyte ERROR=2\nbyte STALE=3\nbyte level\nstring name\nstring message\nstring hardware_id\n' +
    'diagnostic_msgs/KeyValue[] values',
  'diagnostic_msgs/DiagnosticArray': 'std_msgs/Header header\ndiagnostic_msgs/DiagnosticStatus[] status',
  'std_srvs/EmptyRequest': '',
  'std_srvs/EmptyResponse': '',
  'std_srvs/TriggerRequest': '',
  'std_srvs/TriggerResponse': 'bool success\nstring message',
  'std_srvs/SetBoolRequest': 'bool data',
  'std_srvs/SetBoolResponse': 'bool success\nstring message',
  // ROS 2 example_interfaces (the tutorials' service and action, used by roslib's own examples).
  'example_interfaces/AddTwoIntsRequest': 'int64 a\nint64 b',
  'example_interfaces/AddTwoIntsResponse': 'int64 sum',
  'example_interfaces/FibonacciGoal': 'int32 order',
  'example_interfaces/FibonacciResult': 'int32[] sequence',
  'example_interfaces/FibonacciFeedback': 'int32[] sequence',
  // The tutorials' other spellings of the same service and action: ROS 2's action tutorial
  // (action_tutorials_interfaces, its feedback named partial_sequence) and ROS 1's tutorials
  // (rospy_tutorials' AddTwoInts, actionlib_tutorials' Fibonacci), which roslib's examples call.
  'action_tutorials_interfaces/FibonacciGoal': 'int32 order',
  'action_tutorials_interfaces/FibonacciResult': 'int32[] sequence',
  'action_tutorials_interfaces/FibonacciFeedback': 'int32[] partial_sequence',
  'rospy_tutorials/AddTwoIntsRequest': 'int64 a\nint64 b',
  'rospy_tutorials/AddTwoIntsResponse': 'int64 sum',
  'actionlib_tutorials/FibonacciGoal': 'int32 order',
  'actionlib_tutorials/FibonacciResult': 'int32[] sequence',
  'actionlib_tutorials/FibonacciFeedback': 'int32[] sequence',
  // Universal Robots' driver (ur_msgs, ROS 1 and ROS 2): the payload service, which our simulator
  // serves under the same type (centre of gravity in the tool flange frame, m).
  'ur_msgs/SetPayloadRequest': 'float32 mass\ngeometry_msgs/Vector3 center_of_gravity',
  'ur_msgs/SetPayloadResponse': 'bool success',
  // ROS 2's standard simulator interfaces (simulation_interfaces): stepping a paused simulation.
  'simulation_interfaces/Result':
    'uint8 RESULT_FEATURE_UNSUPPORTED=0\nuint8 RESULT_OK=1\nuint8 RESULT_NOT_FOUND=2\nuint8 RESULT_INCORRECT_STATE=3\n' +
    'uint8 RESULT_OPERATION_FAILED=4\nuint8 result\nstring error_message',
  'simulation_interfaces/StepSimulationRequest': 'uint64 steps',
  'simulation_interfaces/StepSimulationResponse': 'simulation_interfaces/Result result',
  // Our simulator's own fault injection (no standard type carries it): fault is 'delay',
  // 'overheat' or 'dropout'; joints names the joints an overheat heats ([]: every joint); value is
  // the delay (s), the extra winding heat (W) or 1/0 for dropout on/off. See sim/endpoint.ts.
  'embodied_msgs/SetFaultRequest': 'string fault\nstring[] joints\nfloat64 value',
  'embodied_msgs/SetFaultResponse': 'bool success\nstring message',
};

/** Service types: request and response message names. */
export const SERVICE_DEFINITIONS: Readonly<Record<string, { request: string; response: string }>> = {
  'std_srvs/Empty': { request: 'std_srvs/EmptyRequest', response: 'std_srvs/EmptyResponse' },
  'std_srvs/Trigger': { request: 'std_srvs/TriggerRequest', response: 'std_srvs/TriggerResponse' },
  'std_srvs/SetBool': { request: 'std_srvs/SetBoolRequest', response: 'std_srvs/SetBoolResponse' },
  'example_interfaces/AddTwoInts': { request: 'example_interfaces/AddTwoIntsRequest', response: 'example_interfaces/AddTwoIntsResponse' },
  'rospy_tutorials/AddTwoInts': { request: 'rospy_tutorials/AddTwoIntsRequest', response: 'rospy_tutorials/AddTwoIntsResponse' },
  'ur_msgs/SetPayload': { request: 'ur_msgs/SetPayloadRequest', response: 'ur_msgs/SetPayloadResponse' },
  'simulation_interfaces/StepSimulation': { request: 'simulation_interfaces/StepSimulationRequest', response: 'simulation_interfaces/StepSimulationResponse' },
  'embodied_msgs/SetFault': { request: 'embodied_msgs/SetFaultRequest', response: 'embodied_msgs/SetFaultResponse' },
};

/** Action types: goal, result and feedback message names. */
export const ACTION_DEFINITIONS: Readonly<Record<string, { goal: string; result: string; feedback: string }>> = {
  'control_msgs/FollowJointTrajectory': {
    goal: 'control_msgs/FollowJointTrajectoryGoal',
    result: 'control_msgs/FollowJointTrajectoryResult',
    feedback: 'control_msgs/FollowJointTrajectoryFeedback',
  },
  'example_interfaces/Fibonacci': {
    goal: 'example_interfaces/FibonacciGoal',
    result: 'example_interfaces/FibonacciResult',
    feedback: 'example_interfaces/FibonacciFeedback',
  },
  'action_tutorials_interfaces/Fibonacci': {
    goal: 'action_tutorials_interfaces/FibonacciGoal',
    result: 'action_tutorials_interfaces/FibonacciResult',
    feedback: 'action_tutorials_interfaces/FibonacciFeedback',
  },
  'actionlib_tutorials/Fibonacci': {
    goal: 'actionlib_tutorials/FibonacciGoal',
    result: 'actionlib_tutorials/FibonacciResult',
    feedback: 'actionlib_tutorials/FibonacciFeedback',
  },
};
